import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Failed activation-link look-ups per client address and time window, in Postgres so that every
 * web process counts against the same limit.
 */
export const linkLookupFailures = pgTable(
  'link_lookup_failures',
  {
    clientAddress: text('client_address').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    failures: integer('failures').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.clientAddress, t.windowStart] }),
    // Old windows are swept by time.
    index('link_lookup_failures_window_idx').on(t.windowStart),
  ],
);
