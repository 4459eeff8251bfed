import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Global settings (`keep_alive_interval_seconds`…); a missing key takes its default in code. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
