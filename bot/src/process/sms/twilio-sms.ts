import {
  prepareSmsDelivery,
  recordSmsHandedOver,
  recordSmsRefused,
} from '@sipops/shared/activation/sms-delivery';
import { type SmsStatus, toSmsStatus } from '@sipops/shared/activation/sms-status';
import type { Deps } from '@sipops/shared/deps';
import {
  DEFAULT_MAX_ATTEMPTS,
  type OutboxHandler,
  type OutboxMessage,
  RetryableError,
} from '@sipops/shared/outbox/outbox-worker';
import twilio from 'twilio';

/** Twilio keeps a message in its queue at most this long (its `ValidityPeriod` cap). */
export const TWILIO_MAX_VALIDITY_SECONDS = 36_000;
const DEFAULT_TIMEOUT_MS = 15_000;
/** A look-up for an earlier try goes back this far before the message was queued (clock skew). */
const LOOKBACK_MARGIN_MS = 5 * 60_000;
/** Network failures where the request surely never reached Twilio: safe to send again. */
const CLEAR_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH']);

export type TwilioSender = { messagingServiceSid: string } | { from: string };

export type TwilioSmsOptions = {
  accountSid: string;
  authToken: string;
  sender: TwilioSender;
  /** PUBLIC_BASE_URL + /api/twilio/status: where Twilio posts delivery reports. */
  statusCallbackUrl: string;
  /** A custom client (tests point the real `twilio` package at a fake API with it). */
  httpClient?: twilio.RequestClient;
  timeoutMs?: number;
  /** The outbox worker's tries: the last one that fails is recorded and posted as a failure. */
  maxAttempts?: number;
  log?: (line: string) => void;
};

type TwilioError = Error & { status?: number; code?: number | string; moreInfo?: string };

/**
 * The outbox 'sms' handler that sends through Twilio. One message per outbox row, whatever the
 * crashes and retries: the SID is recorded as soon as Twilio answers, and after an unclear
 * failure (a timeout, a 5xx, a worker that died mid-send) Twilio is asked whether the message
 * went out before anything is sent again.
 */
export function createTwilioSmsHandler(deps: Deps, options: TwilioSmsOptions): OutboxHandler {
  const client = twilio(options.accountSid, options.authToken, {
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.httpClient ? { httpClient: options.httpClient } : {}),
  });
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const log = options.log ?? ((line: string) => console.warn(line));

  return async (message: OutboxMessage) => {
    const plan = await prepareSmsDelivery(deps, message, 'twilio');
    if (plan.action === 'skip') {
      log(`sipops: sms ${message.id} not sent: ${plan.reason}`);
      return undefined;
    }
    if (plan.action === 'done') return { externalId: plan.providerSid };

    let handed: { providerSid: string; status: SmsStatus };
    try {
      const earlier = message.isAfterUnclearFailure
        ? await findEarlierSend(plan.to, plan.text, plan.queuedAt)
        : undefined;
      if (earlier) handed = earlier;
      else {
        const sent = await client.messages.create({
          to: plan.to,
          body: plan.text,
          ...options.sender,
          validityPeriod: Math.min(plan.validitySeconds, TWILIO_MAX_VALIDITY_SECONDS),
          statusCallback: `${options.statusCallbackUrl}?sms=${plan.smsId}`,
        });
        handed = { providerSid: sent.sid, status: toSmsStatus(sent.status) ?? 'queued' };
      }
    } catch (error) {
      const failure = classify(error as TwilioError, retryAfterMs());
      if (failure instanceof RetryableError && message.attempt < maxAttempts) throw failure;
      const code = (error as TwilioError).code;
      await recordSmsRefused(deps, plan.smsId, {
        errorCode: code === undefined ? null : String(code),
        errorMessage:
          failure instanceof RetryableError
            ? `gave up after ${message.attempt} tries: ${failure.message}`
            : failure.message,
        actor: 'sms:twilio',
      });
      throw failure;
    }
    try {
      await recordSmsHandedOver(deps, plan.smsId, { ...handed, actor: 'sms:twilio' });
    } catch (error) {
      // Twilio has it; our database did not hear of it (Postgres down): not Twilio's failure, and
      // the next try must look before it sends.
      throw new RetryableError(
        `sent as ${handed.providerSid}, not recorded: ${(error as Error).message}`,
        undefined,
        true,
      );
    }
    return { externalId: handed.providerSid };
  };

  /**
   * Whether an earlier try reached Twilio after all: a message to this number, created since the
   * SMS was queued, with this link's text (the token makes it unique). Listed by number and
   * filtered here, because Twilio's DateSent filter is by day and empty while a message queues.
   */
  async function findEarlierSend(to: string, text: string, queuedAt: Date) {
    const since = queuedAt.getTime() - LOOKBACK_MARGIN_MS;
    const recent = await client.messages.list({ to, limit: 50 });
    const match = recent.find(
      (m) => m.body === text && (m.dateCreated ? m.dateCreated.getTime() >= since : true),
    );
    return match
      ? { providerSid: match.sid, status: toSmsStatus(match.status) ?? ('queued' as const) }
      : undefined;
  }

  function retryAfterMs(): number | undefined {
    const headers = client.httpClient.lastResponse?.headers as
      | Record<string, string | undefined>
      | undefined;
    const seconds = Number(headers?.['retry-after']);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
  }
}

/** Twilio's answer or the network's, as the outbox worker understands it. */
function classify(error: TwilioError, retryAfterMs: number | undefined): Error {
  const status = error.status;
  if (status === 429) return new RetryableError('Twilio: too many requests (429)', retryAfterMs);
  // A 5xx may have created the message before failing: the next try looks before it sends.
  if (status !== undefined && status >= 500)
    return new RetryableError(`Twilio: ${status} ${error.message}`, undefined, true);
  if (status !== undefined) {
    const code = error.code === undefined ? '' : ` (error ${error.code})`;
    return new Error(`Twilio refused the SMS: ${error.message}${code}`);
  }
  const networkCode = typeof error.code === 'string' ? error.code : undefined;
  const isClear = networkCode !== undefined && CLEAR_NETWORK_CODES.has(networkCode);
  // Timeouts and resets: the request may have arrived.
  return new RetryableError(
    `Twilio unreachable: ${networkCode ?? ''} ${error.message}`.trim(),
    undefined,
    !isClear,
  );
}
