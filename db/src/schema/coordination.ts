import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Rate limits kept for the whole installation, however many processes send: each row is the time
 * the next send may start (the "theoretical arrival time" of a GCRA limiter), moved forward
 * atomically by whichever process takes a turn.
 */
export const rateLimits = pgTable('rate_limits', {
  name: text('name').primaryKey(),
  nextAt: timestamp('next_at', { withTimezone: true }).notNull(),
});

/**
 * Work one process must lead (an import's SMS progress message): the holder renews its lease
 * while it lives; once the lease runs out, another process takes the lead.
 */
export const leaderLeases = pgTable('leader_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
