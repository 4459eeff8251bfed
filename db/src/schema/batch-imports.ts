import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Imports already applied, by the id their caller gave (a hash of the file, a Slack view id): a
 * retried or double-clicked confirmation finds its row and imports nothing twice.
 */
export const batchImports = pgTable(
  'batch_imports',
  {
    id: text('id').primaryKey(),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    accountCount: integer('account_count').notNull(),
    /** Activation SMS the import queued (their outbox rows carry its id). */
    smsQueued: integer('sms_queued').notNull().default(0),
    /** Where their progress is reported (a Slack channel); none: the default notification channel. */
    smsProgressChannel: text('sms_progress_channel'),
    /** The progress message once posted, updated in place. */
    smsProgressTs: text('sms_progress_ts'),
    /** Set before the message is first posted: a leader that died then may have posted it. */
    smsProgressPostingAt: timestamp('sms_progress_posting_at', { withTimezone: true }),
    /** Set once no SMS of the import is waiting: its progress is no longer followed. */
    smsProgressDoneAt: timestamp('sms_progress_done_at', { withTimezone: true }),
  },
  (t) => [
    index('batch_imports_sms_in_flight_idx')
      .on(t.createdAt)
      .where(sql`${t.smsQueued} > 0 and ${t.smsProgressDoneAt} is null`),
  ],
);
