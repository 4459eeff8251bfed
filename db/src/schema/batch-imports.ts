import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Imports already applied, by the id their caller gave (a hash of the file, a Slack view id): a
 * retried or double-clicked confirmation finds its row and imports nothing twice.
 */
export const batchImports = pgTable('batch_imports', {
  id: text('id').primaryKey(),
  actor: text('actor').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  accountCount: integer('account_count').notNull(),
});
