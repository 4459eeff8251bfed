import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './sip.ts';

/**
 * Builds what the tests and benches run as users do: the Next.js web app (Turborepo's cache
 * makes this instant when unchanged) and the bot's compiled entry points (rebuilt only when a
 * source is newer).
 */
export function buildApp(): void {
  execFileSync(
    'npx',
    ['turbo', 'run', 'build', '--filter=@sipops/web', '--output-logs=errors-only'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  execFileSync(process.execPath, ['bot/build.mjs'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
