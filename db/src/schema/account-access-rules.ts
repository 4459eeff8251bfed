import { cidr, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';

/**
 * The SNOM rules of `accounts.deny` / `accounts.permit` as Postgres cidr, one row a rule, kept by
 * triggers (migration `registrar_access_rules`) so a registrar tests an address with an index.
 * Written by nothing else: the arrays on `accounts` stay the one place staff's rules live.
 */
export const accountAccessRules = pgTable(
  'account_access_rules',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** A copy of the account's username: the registrar asks by username, with no join. */
    username: text('username').notNull(),
    kind: text('kind', { enum: ['deny', 'permit'] }).notNull(),
    /** 1, 2, … within its list, in the order staff wrote the rules. */
    position: integer('position').notNull(),
    net: cidr('net').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.kind, t.position] }),
    index('account_access_rules_username_idx').on(t.username),
  ],
);
