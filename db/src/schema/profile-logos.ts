import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Logos by content hash: the pages' address for one never changes, so it caches for good. */
export const profileLogos = pgTable('profile_logos', {
  sha256: text('sha256').primaryKey(),
  contentType: text('content_type', { enum: ['image/png', 'image/svg+xml'] }).notNull(),
  /** The file, base64: the same on postgres.js and PGlite, and logos are small. */
  data: text('data').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
