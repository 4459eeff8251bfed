import { pgTable, text } from 'drizzle-orm/pg-core';

/**
 * The numbers of enabled accounts with the username and realm they stand for, one row a number,
 * kept by triggers (migration `registrar_aliases_view`) so that the registrar's `dbaliases` view
 * reads one table as a plain Kamailio does: it asks at every REGISTER and call, and a join
 * through `accounts` there made it slower. Written by nothing else: `virtual_numbers` and
 * `accounts` stay the one place numbers and accounts live.
 */
export const registrarAliases = pgTable('registrar_aliases', {
  aliasUsername: text('alias_username').primaryKey(),
  username: text('username').notNull(),
  domain: text('domain').notNull(),
});
