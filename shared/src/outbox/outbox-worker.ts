import type { Database } from '@sipops/db/client';
import {
  claimDueOutboxRows,
  isQueryError,
  type OutboxKind,
  queryErrorOf,
  settleOutboxRow,
  takeRateTurn,
} from '@sipops/db/queries';
import type { Clock } from '../deps.ts';

export type { OutboxKind };

export type OutboxMessage = {
  id: number;
  kind: OutboxKind;
  orderKey: string;
  payload: unknown;
  /** 1 on the first try. */
  attempt: number;
  /** What an earlier try recorded (a provider id), so a retry can look before it sends again. */
  externalId: string | null;
  /** An earlier try ended without an answer (timeout, crash): it may have been delivered. */
  isAfterUnclearFailure: boolean;
};

/** A failure worth another try later: a 5xx, a timeout, a 429 with its Retry-After. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    /** True when the request may have reached the provider (no answer came back). */
    readonly isUnclear = false,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** isSkipped: nothing was sent, on purpose (no one to send it to); the row is closed as skipped. */
export type DeliveryResult = { externalId?: string; isSkipped?: boolean } | undefined;
export type OutboxHandler = (message: OutboxMessage) => Promise<DeliveryResult>;

export type OutboxWorkerOptions = {
  handlers: Partial<Record<OutboxKind, OutboxHandler>>;
  /** Tries before a message is marked failed. */
  maxAttempts?: number;
  /** How long a claimed message is left to its worker before another may take it (a crash). */
  leaseMs?: number;
  /** Delay before try n+1 when no Retry-After says otherwise. */
  backoffMs?: (attempt: number) => number;
  /**
   * The most messages of one kind delivered per second (SMS providers cap it), across every
   * process of the installation: the turns are taken from one row in the database.
   */
  ratePerSecond?: Partial<Record<OutboxKind, number>>;
  batchSize?: number;
  pollIntervalMs?: number;
  onError?: (error: unknown, message?: OutboxMessage) => void;
};

const UNCLEAR_MARK = '[unclear] ';
/**
 * Lanes of a rate-limited kind in one worker: each claims one message, waits for its turn and
 * sends it, so one slow answer does not leave the installation's turns unused.
 */
const RATED_LANES = 8;
export const DEFAULT_MAX_ATTEMPTS = 8;

export function defaultBackoffMs(attempt: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** (attempt - 1)) + Math.floor(Math.random() * 250);
}

/**
 * Claims due messages: the oldest undelivered one of each order key (an account's changes go out
 * in order), skipping rows another worker holds. A claim is a lease: a worker that dies leaves its
 * messages to be claimed again once the lease runs out.
 */
export async function claimDueMessages(
  db: Database,
  clock: Clock,
  kind: OutboxKind,
  limit: number,
  leaseMs: number,
): Promise<OutboxMessage[]> {
  const now = clock.now();
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const rows = await claimDueOutboxRows(db, { kind, now, leaseUntil, limit });
  return rows
    .map((row) => ({
      id: Number(row.id),
      kind: row.kind,
      orderKey: row.order_key,
      payload: row.payload,
      attempt: row.attempts,
      externalId: row.external_id,
      // A lease that ran out (state was still 'sending') means a worker died mid-delivery.
      isAfterUnclearFailure:
        row.state === 'sending' || (row.last_error?.startsWith(UNCLEAR_MARK) ?? false),
    }))
    .sort((a, b) => a.id - b.id);
}

export async function markDelivered(
  db: Database,
  clock: Clock,
  id: number,
  result: DeliveryResult,
): Promise<void> {
  await settleOutboxRow(db, id, {
    state: result?.isSkipped ? 'skipped' : 'done',
    doneAt: clock.now(),
    lastError: null,
    ...(result?.externalId ? { externalId: result.externalId } : {}),
  });
}

export async function markFailedAttempt(
  db: Database,
  clock: Clock,
  message: OutboxMessage,
  error: unknown,
  options: Required<Pick<OutboxWorkerOptions, 'maxAttempts' | 'backoffMs'>>,
): Promise<void> {
  const isRetryable = error instanceof RetryableError;
  const text = `${isRetryable && error.isUnclear ? UNCLEAR_MARK : ''}${error instanceof Error ? error.message : String(error)}`;
  const isLastTry = !isRetryable || message.attempt >= options.maxAttempts;
  const delay =
    isRetryable && error.retryAfterMs !== undefined
      ? error.retryAfterMs
      : options.backoffMs(message.attempt);
  await settleOutboxRow(
    db,
    message.id,
    isLastTry
      ? { state: 'failed', lastError: text.slice(0, 1000), doneAt: clock.now() }
      : {
          state: 'pending',
          lastError: text.slice(0, 1000),
          nextAttemptAt: new Date(clock.now().getTime() + delay),
        },
  );
}

/** Codes of a connection to Postgres that broke (postgres.js's own, and the network's). */
const DATABASE_CONNECTION_CODE = /^(CONNECTION_|CONNECT_TIMEOUT|ECONN|EPIPE|ETIMEDOUT|57P0|08)/;

function isDatabaseFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (isQueryError(current) || current.name === 'PostgresError') return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && DATABASE_CONNECTION_CODE.test(code)) return true;
    current = current.cause;
  }
  return false;
}

/**
 * A handler's failure as the worker retries it. Our own database failing (a restart, a lost
 * connection) is no reason to give a message up, and the try may have sent it already: it is
 * retried as an unclear failure, so the next try looks before it sends again.
 */
function asDeliveryFailure(error: unknown): unknown {
  if (error instanceof RetryableError || !isDatabaseFailure(error)) return error;
  const query = queryErrorOf(error);
  const cause = query ? query.cause : error;
  const reason = cause instanceof Error ? cause.message : 'no answer';
  return new RetryableError(`the database failed during the delivery: ${reason}`, undefined, true);
}

/** One pass over one kind: claim what is due and deliver it. Returns how many were tried. */
export async function deliverDueMessages(
  db: Database,
  clock: Clock,
  kind: OutboxKind,
  options: OutboxWorkerOptions,
): Promise<number> {
  const handler = options.handlers[kind];
  if (!handler) return 0;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const rate = options.ratePerSecond?.[kind];
  const messages = await claimDueMessages(
    db,
    clock,
    kind,
    // A rate-limited message waits for its turn while claimed: one at a time per lane, so the
    // wait stays far inside the lease even with many workers sharing the rate.
    rate ? 1 : (options.batchSize ?? 20),
    options.leaseMs ?? 60_000,
  );
  const deliver = async (message: OutboxMessage) => {
    let result: DeliveryResult;
    let isDelivered = false;
    try {
      if (rate)
        await sleep(await takeRateTurn(db, { name: `outbox:${kind}`, intervalMs: 1000 / rate }));
      result = await handler(message);
      isDelivered = true;
    } catch (error) {
      const failure = asDeliveryFailure(error);
      options.onError?.(failure, message);
      await markFailedAttempt(db, clock, message, failure, { maxAttempts, backoffMs });
    }
    if (isDelivered) {
      try {
        await markDelivered(db, clock, message.id, result);
      } catch (error) {
        // Delivered, but not recorded: the lease runs out and the next try looks before it sends.
        options.onError?.(error, message);
      }
    }
  };
  for (const message of messages) await deliver(message);
  return messages.length;
}

export type OutboxWorker = { stop(): Promise<void> };

/**
 * Delivers outbox messages until stopped: one loop per kind (a few for a rate-limited kind), so
 * slow SMS never hold up Slack.
 */
export function startOutboxWorker(
  db: Database,
  clock: Clock,
  options: OutboxWorkerOptions,
): OutboxWorker {
  let isStopped = false;
  const wakers = new Set<() => void>();
  const lanes = (Object.keys(options.handlers) as OutboxKind[]).flatMap((kind) => {
    const rate = options.ratePerSecond?.[kind];
    const count = rate ? Math.min(RATED_LANES, Math.max(1, Math.ceil(rate))) : 1;
    return Array.from({ length: count }, () => kind);
  });
  const loops = lanes.map(async (kind) => {
    while (!isStopped) {
      let count = 0;
      try {
        count = await deliverDueMessages(db, clock, kind, options);
      } catch (error) {
        options.onError?.(error);
      }
      if (count === 0 && !isStopped) {
        await new Promise<void>((resolve) => {
          const waker = () => {
            clearTimeout(timer);
            wakers.delete(waker);
            resolve();
          };
          const timer = setTimeout(waker, options.pollIntervalMs ?? 500);
          wakers.add(waker);
        });
      }
    }
  });
  return {
    async stop() {
      isStopped = true;
      for (const waker of [...wakers]) waker();
      await Promise.all(loops);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
