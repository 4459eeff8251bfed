import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's root folder, found by walking up from `from` (a module's own folder) to the
 * folder that holds `db/migrations`. A module runs from its source (`db/src`), bundled into the
 * bot's build (`bot/dist/<build>/`) or into Next's (`web/.next/server/…`): the depth differs, the
 * repository does not.
 */
export function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'db', 'migrations'))) return dir;
    if (dirname(dir) === dir) {
      throw new Error(`cannot find the sipops folder (the one with db/migrations) above ${from}`);
    }
  }
}
