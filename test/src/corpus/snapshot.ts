import type { Database } from '@sipops/db/client';
import { executeRows } from '@sipops/db/execute';
import { sql } from 'drizzle-orm';

/** Every table a front end could write to; a refusal must leave each exactly as it was. */
export const TABLES = [
  'accounts',
  'activation_links',
  'audit_log',
  'batch_imports',
  'client_keys',
  'groups',
  'outbox',
  'provisioning_profiles',
  'settings',
  'slack_roles',
  'sms_messages',
  'virtual_numbers',
  // Bad links are counted here by design (the throttle); the HTTP corpus leaves it out.
  'link_lookup_failures',
] as const;

export type Snapshot = Record<string, string>;

/** Each table's row count and a digest of its rows: an update shows as well as an insert. */
export async function snapshotDatabase(
  db: Database,
  tables: readonly string[] = TABLES,
): Promise<Snapshot> {
  const parts = tables.map(
    (table) =>
      `select '${table}' as name, count(*)::int || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${table} t`,
  );
  const rows = await executeRows<{ name: string; digest: string }>(
    db,
    sql.raw(parts.join(' union all ')),
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.digest]));
}

/** A stack frame as Node.js prints one, or a driver's own words: never for an operator's eyes. */
export const LEAK =
  /\n\s+at \S.*(:\d+:\d+\)?|\(node:)|\bat async\b|ECONNREFUSED|PostgresError|syntax error at or near|Failed query:|node_modules/;
