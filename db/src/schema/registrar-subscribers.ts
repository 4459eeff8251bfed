import { pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The enabled accounts as Kamailio's auth_db reads them, one narrow row an account, kept by
 * triggers (migration `registrar_subscribers_view`) so that the `subscriber` view reads a table as
 * small as Kamailio's own: it asks at every REGISTER, and a view over the wide `accounts` table
 * made each ask slower. Written by nothing else: `accounts` stays the one place accounts live.
 */
export const registrarSubscribers = pgTable(
  'registrar_subscribers',
  {
    id: uuid('id').primaryKey(),
    username: text('username').notNull(),
    domain: text('domain').notNull(),
    ha1: text('ha1').notNull(),
  },
  (table) => [
    uniqueIndex('registrar_subscribers_username_domain_idx').on(table.username, table.domain),
  ],
);
