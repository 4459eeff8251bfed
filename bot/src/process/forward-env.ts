import { embeddedDataDirOf } from '@sipops/shared/config/data-dir';

/**
 * What a command forwarded to a running server reads of the environment, apart from env.ts,
 * whose schemas take a tenth of a second to load: where the embedded database is (undefined on
 * Postgres, DATABASE_URL set), and the folder the command was typed in (INIT_CWD, as npm says
 * it; blank is unset, as the schemas read it). The server's own settings do the rest.
 */
export function readForwardEnv(): { dataDir: string | undefined; cwd: string } {
  return {
    dataDir: embeddedDataDirOf(process.env),
    cwd: process.env.INIT_CWD?.trim() || process.cwd(),
  };
}
