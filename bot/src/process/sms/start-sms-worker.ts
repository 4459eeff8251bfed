import { SMS_SETUP_HINT, type SmsConfig } from '@sipops/shared/config/sms';
import type { Deps } from '@sipops/shared/deps';
import {
  DEFAULT_MAX_ATTEMPTS,
  type OutboxHandler,
  type OutboxWorker,
  type OutboxWorkerOptions,
  RetryableError,
  startOutboxWorker,
} from '@sipops/shared/outbox/outbox-worker';
import { createLocalOutboxSmsHandler } from './local-outbox-sms.ts';
import { TwilioApiUrlClient } from './twilio-api-url.ts';
import { createTwilioSmsHandler, type TwilioSmsOptions } from './twilio-sms.ts';

export const TWILIO_STATUS_PATH = '/api/twilio/status';

export type SmsWorkerOptions = {
  deps: Deps;
  config: SmsConfig;
  publicBaseUrl: string;
  log?: (line: string) => void;
  /** Tests point Twilio's client at a fake API. */
  httpClient?: TwilioSmsOptions['httpClient'];
  /** How long a call to Twilio may take (15 s unless a drill shortens it). */
  timeoutMs?: number;
} & Pick<OutboxWorkerOptions, 'maxAttempts' | 'backoffMs' | 'leaseMs' | 'pollIntervalMs'>;

export function createSmsHandler(options: SmsWorkerOptions): OutboxHandler {
  const { deps, config, log } = options;
  if (config.mode === 'local') return createLocalOutboxSmsHandler(deps, log ? { log } : {});
  const httpClient =
    options.httpClient ??
    (config.apiUrl
      ? new TwilioApiUrlClient(config.apiUrl, { timeout: options.timeoutMs ?? 15_000 })
      : undefined);
  return createTwilioSmsHandler(deps, {
    accountSid: config.accountSid,
    authToken: config.authToken,
    sender: config.sender,
    statusCallbackUrl: `${options.publicBaseUrl}${TWILIO_STATUS_PATH}`,
    ...(httpClient ? { httpClient } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(log ? { log } : {}),
  });
}

/** Sends the outbox's 'sms' rows until stopped, at most SIPOPS_SMS_PER_SECOND. */
export function startSmsWorker(options: SmsWorkerOptions): OutboxWorker {
  const log = options.log ?? ((line: string) => console.warn(line));
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  return startOutboxWorker(options.deps.db, options.deps.clock, {
    handlers: { sms: createSmsHandler(options) },
    ratePerSecond: { sms: options.config.perSecond },
    maxAttempts,
    // An SMS try waits on Twilio (15 s at most) and maybe a look-up: leave it time before a takeover.
    leaseMs: options.leaseMs ?? 120_000,
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    onError: (error, message) => {
      const text = error instanceof Error ? error.message : String(error);
      if (!message) log(`sipops: sms worker: ${text}`);
      else if (error instanceof RetryableError && message.attempt < maxAttempts)
        log(`sipops: sms ${message.id} (try ${message.attempt}) will be retried: ${text}`);
      else log(`sipops: sms ${message.id} failed for good: ${text}`);
    },
  });
}

/** The start-up line that says where SMS go. */
export function describeSms(config: SmsConfig): string {
  if (config.mode === 'local')
    return `  sms       local outbox (npm run sip -- sms list); ${SMS_SETUP_HINT}`;
  const via =
    'messagingServiceSid' in config.sender
      ? `messaging service ${config.sender.messagingServiceSid}`
      : `from ${config.sender.from}`;
  return `  sms       twilio (${via}${config.apiUrl ? ` through ${config.apiUrl}` : ''}), at most ${config.perSecond}/s`;
}
