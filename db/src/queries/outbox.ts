import { and, DrizzleQueryError, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { executeRows } from '../execute.ts';
import { type OUTBOX_KINDS, outbox } from '../schema/index.ts';

export type OutboxInsert = typeof outbox.$inferInsert;

/** Queues messages (notifications, SMS, registrar removals) in the caller's transaction. */
export async function insertOutboxRows(tx: Database, rows: readonly OutboxInsert[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(outbox).values([...rows]);
}

export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export type OutboxRow = typeof outbox.$inferSelect;

/** A message as claimed, in the driver's column names (raw SQL). */
export type ClaimedOutboxRow = {
  id: string | number;
  kind: OutboxKind;
  order_key: string;
  payload: unknown;
  attempts: number;
  external_id: string | null;
  last_error: string | null;
  /** The state before the claim: 'sending' means a lease ran out. */
  state: string;
};

/**
 * Claims due messages of a kind: the oldest undelivered one of each order key, marked 'sending'
 * until `leaseUntil`, its attempt counted. Rows another worker holds are skipped, not waited on.
 */
export function claimDueOutboxRows(
  db: Database,
  params: { kind: OutboxKind; now: Date; leaseUntil: Date; limit: number },
): Promise<ClaimedOutboxRow[]> {
  const { kind, now, leaseUntil, limit } = params;
  return db.transaction((tx) =>
    executeRows<ClaimedOutboxRow>(
      tx,
      sql`
        with due as (
          select o.id, o.state as previous_state from ${outbox} o
          where o.kind = ${kind}
            and o.state in ('pending', 'sending')
            and o.next_attempt_at <= ${now.toISOString()}
            and not exists (
              select 1 from ${outbox} p
              where p.order_key = o.order_key and p.id < o.id and p.state in ('pending', 'sending')
            )
          order by o.id
          limit ${limit}
          for update skip locked
        )
        update ${outbox} set state = 'sending', attempts = ${outbox.attempts} + 1,
          next_attempt_at = ${leaseUntil.toISOString()}
        from due where ${outbox.id} = due.id
        returning ${outbox.id} as id, ${outbox.kind} as kind, ${outbox.orderKey} as order_key,
          ${outbox.payload} as payload, ${outbox.attempts} as attempts,
          ${outbox.externalId} as external_id, ${outbox.lastError} as last_error,
          due.previous_state as state`,
    ),
  );
}

/** Records how a claimed message's try ended, if it is still this worker's ('sending'). */
export async function settleOutboxRow(
  db: Database,
  id: number,
  set: Partial<typeof outbox.$inferInsert>,
): Promise<void> {
  await db
    .update(outbox)
    .set(set)
    .where(and(eq(outbox.id, id), eq(outbox.state, 'sending')));
}

/** Messages that gave up, newest first, for the App Home and the terminal. */
export async function listFailedMessages<K extends OutboxKind>(
  db: Database,
  kinds: K[],
  limit = 20,
): Promise<(OutboxRow & { kind: K })[]> {
  const rows = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.state, 'failed'), inArray(outbox.kind, kinds)))
    .orderBy(desc(outbox.id))
    .limit(limit);
  // The where clause keeps only these kinds.
  return rows as (OutboxRow & { kind: K })[];
}

/** How many messages gave up, for the App Home's "…and N more". */
export function countFailedMessages(db: Database, kinds: OutboxKind[]): Promise<number> {
  return db.$count(outbox, and(eq(outbox.state, 'failed'), inArray(outbox.kind, kinds)));
}

/** Whether an error is the database's (a query that failed), not the code's around it. */
export function isQueryError(error: unknown): boolean {
  return error instanceof DrizzleQueryError;
}

/** The driver's error under a failed query (which drizzle wraps); undefined for other errors. */
export function queryErrorOf(error: unknown): { cause: unknown } | undefined {
  return error instanceof DrizzleQueryError ? { cause: error.cause } : undefined;
}
