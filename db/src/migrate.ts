import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { type Database, openDatabase } from './client.ts';
import { executeRows } from './execute.ts';
import { findRepoRoot } from './repo-root.ts';

// Not `new URL('../migrations', import.meta.url)`: Next's bundler takes that for an asset to bundle.
export const MIGRATIONS_FOLDER = join(
  findRepoRoot(/* turbopackIgnore: true */ dirname(fileURLToPath(import.meta.url))),
  'db/migrations',
);

/** Applies the committed migrations; safe to run at every start (applied ones are skipped). */
export async function applyMigrations(db: Database): Promise<void> {
  if (await hasAppliedLatest(db)) return;
  // The postgres-js migrator only needs the PgDatabase dialect and session, which PGlite's has too.
  await migrate(db as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_FOLDER });
}

/**
 * Whether the database has applied the newest committed migration, by the migrator's own rule
 * (it applies those newer than the newest it recorded). One query instead of the migrator's
 * reading and hashing every file and its three statements: a terminal command on the embedded
 * database opens it each time.
 */
async function hasAppliedLatest(db: Database): Promise<boolean> {
  const newest = readJournal().entries.at(-1)?.when;
  if (newest === undefined) return true;
  // A database never migrated has no such table: the query fails and the migrator makes it.
  const rows = await executeRows<{ newest: string | null }>(
    db,
    sql`select max(created_at)::text as newest from drizzle.__drizzle_migrations`,
  ).catch(() => []);
  const applied = rows[0]?.newest;
  return applied != null && Number(applied) >= newest;
}

/** Any fixed number: the advisory lock under which one process at a time migrates. */
const MIGRATION_LOCK = 7_365_001;

/**
 * Applies the migrations on Postgres while holding an advisory lock, on a connection of its own:
 * processes started together (several web, bot and worker processes) migrate one after another,
 * and the later ones find nothing left to apply.
 */
export async function applyMigrationsExclusively(url: string): Promise<void> {
  // One connection: the lock belongs to a session, and the migration must run in that session.
  const handle = await openDatabase({ url, maxConnections: 1 });
  try {
    await handle.db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    await applyMigrations(handle.db);
    await handle.db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
  } finally {
    await handle.close();
  }
}

type Journal = { entries: { tag: string; when: number }[] };

function readJournal(): Journal {
  return JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as Journal;
}

/** How many migrations are committed and how many the database has applied. */
export async function readMigrationState(
  db: Database,
): Promise<{ committed: number; applied: number }> {
  const journal = readJournal();
  const rows = await executeRows<{ count: number }>(
    db,
    sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
  ).catch(() => [{ count: 0 }]);
  const applied = Number(rows[0]?.count ?? 0);
  return { committed: journal.entries.length, applied };
}
