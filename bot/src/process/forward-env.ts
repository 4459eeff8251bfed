import { embeddedDataDirOf } from '@sipops/shared/config/data-dir';

/**
 * What the terminal reads of the environment before it knows whether a running server takes
 * its command, apart from env.ts, whose schemas take a tenth of a second to load: where the
 * embedded database is (undefined on Postgres, DATABASE_URL set), and the folder the command was
 * typed in (npm runs scripts from the repo root; INIT_CWD keeps the operator's, blank is unset),
 * where the files a command names are found, forwarded or not.
 */
export function readForwardEnv(): { dataDir: string | undefined; cwd: string } {
  return {
    dataDir: embeddedDataDirOf(process.env),
    cwd: process.env.INIT_CWD?.trim() || process.cwd(),
  };
}
