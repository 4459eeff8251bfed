import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './client.ts';
import { applyMigrations, MIGRATIONS_FOLDER, readMigrationState } from './migrate.ts';

describe('applyMigrations on PGlite', { timeout: 60_000 }, () => {
  it('migrates a new database from nothing', async () => {
    const handle = await openDatabase({ dataDir: undefined });
    try {
      expect((await readMigrationState(handle.db)).applied).toBe(0);
      await applyMigrations(handle.db);
      const state = await readMigrationState(handle.db);
      expect(state.committed).toBeGreaterThan(1);
      expect(state.applied).toBe(state.committed);
    } finally {
      await handle.close();
    }
  });

  it('applies the newest migration to a database that has all the others, then finds nothing to do', async () => {
    // The committed folder without its newest migration: a database an older release migrated.
    const older = mkdtempSync(join(tmpdir(), 'sipops-older-migrations-'));
    cpSync(MIGRATIONS_FOLDER, older, { recursive: true });
    const journalFile = join(older, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
    journal.entries.pop();
    writeFileSync(journalFile, JSON.stringify(journal));

    const handle = await openDatabase({ dataDir: undefined });
    try {
      await migrate(handle.db as Parameters<typeof migrate>[0], { migrationsFolder: older });
      const before = await readMigrationState(handle.db);
      expect(before.applied).toBe(before.committed - 1);
      await applyMigrations(handle.db);
      expect((await readMigrationState(handle.db)).applied).toBe(before.committed);
      await applyMigrations(handle.db);
      expect((await readMigrationState(handle.db)).applied).toBe(before.committed);
    } finally {
      await handle.close();
    }
  });
});
