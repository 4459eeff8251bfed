import { DataDirLockedError } from '@sipops/db/data-dir-lock';
import { readMigrationState } from '@sipops/db/migrate';
import { ConfigError } from '@sipops/shared/config/read';
import { openRuntime } from '@sipops/shared/runtime';
import { readMigrateEnv } from './env.ts';

/** `npm run db:migrate`: applies the committed migrations to the configured database. */
async function main(): Promise<number> {
  try {
    const runtime = await openRuntime(readMigrateEnv(), { role: 'terminal', pid: process.pid });
    try {
      const state = await readMigrationState(runtime.deps.db);
      console.log(
        `${runtime.database.location}: ${state.applied} of ${state.committed} migrations applied`,
      );
    } finally {
      await runtime.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof DataDirLockedError && error.holder?.role === 'server') {
      console.log('the running sipops server applied the migrations when it started');
      return 0;
    }
    console.error(
      `db:migrate: ${error instanceof ConfigError ? error.message : (error as Error).message}`,
    );
    return 1;
  }
}

process.exitCode = await main();
