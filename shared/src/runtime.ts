import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { type DatabaseHandle, openDatabase } from '@sipops/db/client';
import {
  acquireDataDirLockPatiently,
  type DataDirLock,
  type LockHolder,
  type LockRequestHandler,
  restrictDataDir,
} from '@sipops/db/data-dir-lock';
import { applyMigrations, applyMigrationsExclusively } from '@sipops/db/migrate';
import type { RuntimeConfig } from './config/runtime.ts';
import { describeOpenError } from './database-errors.ts';
import type { ActivationDeps } from './deps.ts';
import { systemClock } from './deps.ts';
import { loadOrCreateKeyFile } from './secret-key.ts';

/** An open database with its migrations applied, and the deps use cases take. */
export type Runtime = {
  config: RuntimeConfig;
  /** Every use case's deps; a plain `Deps` is a part of them. */
  deps: ActivationDeps;
  database: DatabaseHandle;
  close(): Promise<void>;
};

/** How long a process waits for a terminal command that holds the embedded database. */
const LOCK_WAIT_MS = 15_000;

/**
 * Opens the configured database: Postgres at DATABASE_URL, else PGlite in the data folder under
 * its lock (so no second process can open it). Migrations are applied before anything else runs.
 */
export async function openRuntime(
  config: RuntimeConfig,
  holder: LockHolder,
  onLockRequest?: LockRequestHandler,
  /** A command of a second on the embedded database: a small buffer pool (db's client.ts). */
  options: { isBrief?: boolean } = {},
): Promise<Runtime> {
  let lock: DataDirLock | undefined;
  let freshDataDir = false;
  if (!config.databaseUrl) {
    // The embedded database holds HA1s and the key file: nobody but this user may read a byte.
    if (isMainThread) process.umask(0o077);
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    // Under a folder of mode 0700 nothing is reachable by others: one open to them (an older
    // version's, a careless copy) is closed again, all of it. Walking a closed one at every
    // terminal command cost it 50 ms.
    if ((statSync(config.dataDir).mode & 0o077) !== 0) restrictDataDir(config.dataDir);
    lock = await acquireDataDirLockPatiently(config.dataDir, holder, onLockRequest, LOCK_WAIT_MS);
    freshDataDir = !existsSync(join(config.dataDir, 'pglite', 'PG_VERSION'));
  }
  let database: DatabaseHandle | undefined;
  let location: DatabaseHandle | undefined;
  try {
    const opened = config.databaseUrl
      ? await openDatabase({ url: config.databaseUrl })
      : await openDatabase({ dataDir: `${config.dataDir}/pglite`, isBrief: options.isBrief });
    database = opened;
    // Several processes may start at once on one Postgres: they migrate one at a time.
    if (config.databaseUrl) await applyMigrationsExclusively(config.databaseUrl);
    else await applyMigrations(opened.db);
    // PGlite unpacks a fresh database with files open to all (0666); what it makes later obeys umask.
    if (freshDataDir) restrictDataDir(config.dataDir);
    const secretKey = config.secretKey ?? loadOrCreateKeyFile(config.dataDir);
    // Only read, and only now and then (`clients`, a card): a small pool.
    location = config.locationDatabaseUrl
      ? await openDatabase({ url: config.locationDatabaseUrl, maxConnections: 2 })
      : undefined;
    const locationHandle = location;
    return {
      config,
      database: opened,
      deps: {
        db: opened.db,
        clock: systemClock,
        secretKey,
        publicBaseUrl: config.publicBaseUrl,
        linkTtlMs: config.linkTtlMs,
        ...(locationHandle ? { locationDb: locationHandle.db } : {}),
      },
      close: async () => {
        await locationHandle?.close();
        await opened.close();
        await lock?.release();
      },
    };
  } catch (error) {
    // A web request retries the open after a failure: leave no client behind each time.
    await database?.close().catch(() => {});
    await location?.close().catch(() => {});
    await lock?.release();
    if (config.databaseUrl) throw new Error(describeOpenError(config.databaseUrl, error));
    throw error;
  }
}

const PROCESS_RUNTIME = Symbol.for('sipops.runtime');
type RuntimeSlot = { [PROCESS_RUNTIME]?: Promise<Runtime> };

/**
 * The runtime of this process, shared by code bundled apart (the Next.js server chunks and the
 * start script each load their own copy of this module; globalThis is what they have in common).
 */
export function getProcessRuntime(open: () => Promise<Runtime>): Promise<Runtime> {
  const slot = globalThis as RuntimeSlot;
  // A failed open is forgotten, so that the next request tries again (a database back up).
  slot[PROCESS_RUNTIME] ??= open().catch((error: unknown) => {
    delete slot[PROCESS_RUNTIME];
    throw error;
  });
  return slot[PROCESS_RUNTIME];
}

export function setProcessRuntime(runtime: Runtime): void {
  (globalThis as RuntimeSlot)[PROCESS_RUNTIME] = Promise.resolve(runtime);
}
