import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import { type Database, type DatabaseHandle, openDatabase, pgliteBufferPool } from './client.ts';
import { applyMigrations } from './migrate.ts';

export type TestDatabaseKind = 'pglite' | 'postgres';

/**
 * Set by the tests' global setup: a migrated database on the TEST_DATABASE_URL server that each
 * suite's database is copied from (`CREATE DATABASE … TEMPLATE`) instead of migrating its own.
 */
export const TEMPLATE_DATABASE_VARIABLE = 'SIPOPS_TEST_TEMPLATE_DATABASE';
/** Set by the tests' global setup: a file holding a migrated PGlite's data folder, as a tarball. */
export const PGLITE_SNAPSHOT_VARIABLE = 'SIPOPS_TEST_PGLITE_SNAPSHOT';

/** The databases a test suite runs on: PGlite always, Postgres when TEST_DATABASE_URL is set. */
export function testDatabaseKinds(): TestDatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export type TestDatabase = DatabaseHandle & {
  /** The URL of the fresh Postgres database (for child processes); undefined on PGlite. */
  url: string | undefined;
};

/**
 * A fresh database with the real migrations applied: an in-memory PGlite, or a new database on
 * the TEST_DATABASE_URL server that is dropped on close. An unreachable server fails, never skips.
 * Under the tests' global setup both start from a copy of one database migrated once per run;
 * elsewhere (benchmarks) each migrates itself.
 */
export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const snapshot = readPgliteSnapshot();
    const handle = await openDatabase({ dataDir: undefined, snapshot });
    if (!snapshot) await applyMigrations(handle.db);
    return { ...handle, url: undefined };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const template = process.env[TEMPLATE_DATABASE_VARIABLE];
  const name = `sipops_test_${randomBytes(6).toString('hex')}`;
  await administer(
    adminUrl,
    template ? `create database ${name} template ${template}` : `create database ${name}`,
  );
  const url = databaseUrl(adminUrl, name);
  const handle = await openDatabase({ url, maxConnections: 5 });
  if (!template) await applyMigrations(handle.db);
  return {
    ...handle,
    url,
    close: async () => {
      await handle.close();
      await administer(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/**
 * Migrates a template database on the server at `adminUrl` and a PGlite snapshot, once for a
 * whole test run, and sets the variables createTestDatabase reads. Returns what undoes it all.
 */
export async function prepareTestDatabaseTemplates(adminUrl: string): Promise<() => Promise<void>> {
  const suffix = randomBytes(6).toString('hex');
  const template = `sipops_template_${suffix}`;
  await administer(adminUrl, `create database ${template}`);
  const snapshotPath = join(tmpdir(), `sipops-pglite-template-${suffix}.tar`);
  const undo = async () => {
    delete process.env[TEMPLATE_DATABASE_VARIABLE];
    delete process.env[PGLITE_SNAPSHOT_VARIABLE];
    rmSync(snapshotPath, { force: true });
    await administer(adminUrl, `alter database ${template} is_template false`);
    await administer(adminUrl, `drop database if exists ${template} with (force)`);
  };
  try {
    const handle = await openDatabase({ url: databaseUrl(adminUrl, template), maxConnections: 1 });
    try {
      await applyMigrations(handle.db);
    } finally {
      // A template cannot be copied while anyone is connected to it.
      await handle.close();
    }
    await administer(
      adminUrl,
      `alter database ${template} with is_template true allow_connections false`,
    );
    const client = await PGlite.create({
      startParams: [...PGlite.defaultStartParams, ...pgliteBufferPool()],
    });
    try {
      await applyMigrations(drizzle({ client }) as unknown as Database);
      // Uncompressed: gzip saves disk but costs each suite more to unpack than it saves.
      const tarball = await client.dumpDataDir('none');
      writeFileSync(snapshotPath, Buffer.from(await tarball.arrayBuffer()));
    } finally {
      await client.close();
    }
  } catch (error) {
    await undo();
    throw error;
  }
  process.env[TEMPLATE_DATABASE_VARIABLE] = template;
  process.env[PGLITE_SNAPSHOT_VARIABLE] = snapshotPath;
  return undo;
}

let snapshotCache: { path: string; blob: Blob } | undefined;

function readPgliteSnapshot(): Blob | undefined {
  const path = process.env[PGLITE_SNAPSHOT_VARIABLE];
  if (!path) return undefined;
  if (snapshotCache?.path !== path) snapshotCache = { path, blob: new Blob([readFileSync(path)]) };
  return snapshotCache.blob;
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function administer(adminUrl: string, statement: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}
