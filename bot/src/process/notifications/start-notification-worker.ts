import type { Database } from '@sipops/db/client';
import { findGroupChannel } from '@sipops/db/queries';
import type { Clock } from '@sipops/shared/deps';
import {
  DEFAULT_MAX_ATTEMPTS,
  type OutboxWorker,
  type OutboxWorkerOptions,
  RetryableError,
  startOutboxWorker,
} from '@sipops/shared/outbox/outbox-worker';
import { type Logger, WebClient } from '@slack/web-api';
import { createNotifyHandler } from './post-notification.ts';

export const SLACK_TIMEOUT_MS = 10_000;

/** A Web API client whose own retries are off: the outbox worker owns retrying and Retry-After. */
export function createNotifyClient(
  token: string,
  apiUrl: string,
  options: { timeoutMs?: number; logger?: Logger } = {},
): WebClient {
  return new WebClient(token, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? SLACK_TIMEOUT_MS,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

export type NotificationWorkerOptions = {
  db: Database;
  clock: Clock;
  client: WebClient;
  defaultChannel: string | undefined;
  log?: (line: string) => void;
} & Pick<OutboxWorkerOptions, 'maxAttempts' | 'backoffMs' | 'leaseMs' | 'pollIntervalMs'>;

/** Posts the outbox's 'notify' rows to Slack until stopped. */
export function startNotificationWorker(options: NotificationWorkerOptions): OutboxWorker {
  const { db, clock, client, defaultChannel, log = (line) => console.warn(line) } = options;
  return startOutboxWorker(db, clock, {
    handlers: {
      notify: createNotifyHandler({
        client,
        defaultChannel,
        resolveChannel: (group) => findGroupChannel(db, group),
      }),
    },
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    onError: (error, message) => {
      const text = error instanceof Error ? error.message : String(error);
      if (!message) log(`sipops: notification worker: ${text}`);
      else if (
        error instanceof RetryableError &&
        message.attempt < (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)
      )
        log(`sipops: notification ${message.id} (try ${message.attempt}) will be retried: ${text}`);
      else log(`sipops: notification ${message.id} failed for good: ${text}`);
    },
  });
}
