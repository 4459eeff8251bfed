import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const OUTBOX_KINDS = ['notify', 'sms', 'registrar'] as const;
/** skipped: nothing to send it to (the registrar's RPC URL is not configured). */
export const OUTBOX_STATES = ['pending', 'sending', 'done', 'failed', 'skipped'] as const;

/** Side effects (Slack messages, SMS) written in the same transaction as the change they report. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: OUTBOX_KINDS }).notNull(),
    /** Messages with the same key are delivered in id order (one account's changes stay in order). */
    orderKey: text('order_key').notNull(),
    payload: jsonb('payload').notNull(),
    state: text('state', { enum: OUTBOX_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    /** The provider's id for what was sent (Slack ts, Twilio message SID). */
    externalId: text('external_id'),
    /** A message that must be queued once only (a group's digest of one day): a second insert does nothing. */
    onceKey: text('once_key').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.state} in ('pending', 'sending')`),
    index('outbox_order_idx').on(t.orderKey, t.id),
    // The SMS of one batch import, counted by state for its progress message.
    index('outbox_sms_import_idx')
      .on(sql`(${t.payload}->>'importId')`)
      .where(sql`${t.kind} = 'sms'`),
  ],
);
