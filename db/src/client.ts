import { mkdirSync } from 'node:fs';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { preparePglite } from './pglite-engine.ts';
import * as schema from './schema/index.ts';

// The drivers are loaded when a database of their kind is opened (import() below and in
// pglite-engine.ts): a process uses one, and loading the other cost every terminal command some
// 30 ms.

export type Schema = typeof schema;
/** The one database type every query and use case takes: a connection or a transaction. */
export type Database = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DatabaseHandle = {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Where the data is, for start-up messages (a URL without its password, or a folder). */
  location: string;
  close(): Promise<void>;
};

export type OpenDatabaseOptions =
  | { url: string; maxConnections?: number }
  /**
   * `dataDir` undefined: an in-memory PGlite, for tests, optionally unpacked from a `snapshot`.
   * `isBrief`: for a command of a second, which reads a few pages (pgliteBufferPool).
   */
  | { dataDir: string | undefined; snapshot?: Blob; isBrief?: boolean };

/**
 * PGlite's buffer pool (Postgres's shared_buffers, 128 MB by default), added to its own start-up
 * settings. PGlite clears the whole pool at every open. A process that runs a while takes 16 MB:
 * a sipops database's hot pages (accounts, links, the outbox) fit in it many times over, and a
 * page outside it is read from the data folder the OS caches. A brief command takes 2 MB, for
 * which clearing 16 MB was a twentieth of its time (a `show`, median of 12 alternating runs:
 * 0.98 -> 0.93 s).
 */
export function pgliteBufferPool(isBrief = false): string[] {
  return ['-c', `shared_buffers=${isBrief ? 2 : 16}MB`];
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if ('url' in options) {
    const [{ default: postgres }, { drizzle: drizzlePostgres }] = await Promise.all([
      import('postgres'),
      import('drizzle-orm/postgres-js'),
    ]);
    const sql = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connection: { application_name: 'sipops' },
    });
    return {
      db: drizzlePostgres({ client: sql, schema }) as unknown as Database,
      kind: 'postgres',
      location: redactUrl(options.url),
      close: () => sql.end({ timeout: 5 }),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const { PGlite, drizzlePglite, wasmModule } = await preparePglite();
  const client = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : { loadDataDir: options.snapshot }),
    startParams: [...PGlite.defaultStartParams, ...pgliteBufferPool(options.isBrief)],
    pgliteWasmModule: wasmModule,
  });
  return {
    db: drizzlePglite({ client, schema }) as unknown as Database,
    kind: 'pglite',
    location: options.dataDir ?? 'memory',
    close: () => client.close(),
  };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres (unparsable URL)';
  }
}
