import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';

export const activationLinks = pgTable(
  'activation_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** SHA-256 of the token, hex; the token itself is only ever in the SMS. */
    tokenHash: text('token_hash').notNull().unique(),
    kind: text('kind', { enum: ['installation', 'activation'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    spentAt: timestamp('spent_at', { withTimezone: true }),
    /** Set when a newer link replaces it or the account is disabled or has its keys revoked. */
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('activation_links_account_idx').on(t.accountId)],
);
