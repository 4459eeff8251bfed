import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRepoRoot } from '@sipops/db/repo-root';

/*
 * Where the embedded database is, apart from the configuration's schemas (runtime.ts), so that
 * the terminal can ask whether a running server takes its command before it loads them: a
 * forwarded command answers sooner without them.
 */

/** The repository's `.data/` folder, where the embedded default keeps its database and key. */
// import.meta.url, not import.meta.dirname: Next's bundler leaves the latter undefined.
export const DEFAULT_DATA_DIR = join(
  findRepoRoot(/* turbopackIgnore: true */ dirname(fileURLToPath(import.meta.url))),
  '.data',
);

/** The data folder SIPOPS_DATA_DIR names (trimmed, unset when blank), absolute. */
export function dataDirOf(named: string | undefined): string {
  return resolve(named ?? DEFAULT_DATA_DIR);
}

/**
 * The embedded database's folder of an environment, or undefined when DATABASE_URL is set (a
 * blank variable is unset, as the schemas read it). It says where, and checks nothing: the
 * schemas check the values when a command runs in this process.
 */
export function embeddedDataDirOf(env: Record<string, string | undefined>): string | undefined {
  const named = (name: string) => env[name]?.trim() || undefined;
  return named('DATABASE_URL') ? undefined : dataDirOf(named('SIPOPS_DATA_DIR'));
}
