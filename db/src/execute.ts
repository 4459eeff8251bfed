import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database } from './client.ts';

/** Runs raw SQL and returns its rows, whichever driver is underneath (they shape results apart). */
export async function executeRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** PGlite's own database object (not a transaction of it): what its statements are prepared on. */
type PgliteClient = {
  exec(query: string): Promise<{ rows: unknown[] }[]>;
  transaction: unknown;
};

const dialect = new PgDialect();
/** The statements prepared on each PGlite database, by name: each is prepared once. */
const preparedOn = new WeakMap<PgliteClient, Map<string, Promise<unknown>>>();

/**
 * `executeRows` for a statement run at every request of a page: on PGlite it is prepared once,
 * by name, and then executed with its values as literals. PGlite's `query()` uses the unnamed
 * statement, so the database parsed and planned the page's five-table join at every request
 * (2.3 ms, against 0.4 ms executed prepared). postgres.js prepares its statements on each
 * connection already: there, and inside a transaction, this is `executeRows`.
 */
export async function executePreparedRows<T>(db: Database, name: string, query: SQL): Promise<T[]> {
  const client = (db as unknown as { _: { session: { client?: Partial<PgliteClient> } } })._.session
    .client;
  if (typeof client?.exec !== 'function' || typeof client.transaction !== 'function')
    return executeRows(db, query);
  const pglite = client as PgliteClient;
  const { sql: text, params } = dialect.sqlToQuery(query);
  const statements = preparedOn.get(pglite) ?? new Map<string, Promise<unknown>>();
  preparedOn.set(pglite, statements);
  let preparing = statements.get(name);
  if (!preparing) {
    preparing = pglite.exec(`prepare ${name} as ${text}`);
    statements.set(name, preparing);
    // A failed prepare is tried again by the next call.
    preparing.catch(() => statements.delete(name));
  }
  await preparing;
  const [result] = await pglite.exec(`execute ${name}(${params.map(toLiteral).join(', ')})`);
  return (result?.rows ?? []) as T[];
}

/** A value as an SQL literal; an escape string, right whatever standard_conforming_strings says. */
function toLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string' && !value.includes('\0'))
    return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  throw new Error(`a prepared statement takes strings, numbers and booleans, not ${typeof value}`);
}
