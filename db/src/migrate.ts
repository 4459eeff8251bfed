import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Database } from './client.ts';
import { executeRows } from './execute.ts';
import { findRepoRoot } from './repo-root.ts';

// Not `new URL('../migrations', import.meta.url)`: Next's bundler takes that for an asset to bundle.
export const MIGRATIONS_FOLDER = join(
  findRepoRoot(/* turbopackIgnore: true */ dirname(fileURLToPath(import.meta.url))),
  'db/migrations',
);

/** Applies the committed migrations; safe to run at every start (applied ones are skipped). */
export async function applyMigrations(db: Database): Promise<void> {
  // The postgres-js migrator only needs the PgDatabase dialect and session, which PGlite's has too.
  await migrate(db as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_FOLDER });
}

type Journal = { entries: { tag: string; when: number }[] };

/** How many migrations are committed and how many the database has applied. */
export async function readMigrationState(
  db: Database,
): Promise<{ committed: number; applied: number }> {
  const journal = JSON.parse(
    readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8'),
  ) as Journal;
  const rows = await executeRows<{ count: number }>(
    db,
    sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
  ).catch(() => [{ count: 0 }]);
  const applied = Number(rows[0]?.count ?? 0);
  return { committed: journal.entries.length, applied };
}
