import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';

/** One row per primary or secondary number, so one unique key covers both columns of all accounts. */
export const virtualNumbers = pgTable(
  'virtual_numbers',
  {
    number: text('number').primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['primary', 'secondary'] }).notNull(),
  },
  // An account's numbers: its registrar aliases follow it, and deleting it cascades here.
  (t) => [index('virtual_numbers_account_idx').on(t.accountId)],
);
