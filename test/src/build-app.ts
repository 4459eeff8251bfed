import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from './sip.ts';

const WEB_BUILD = ['turbo', 'run', 'build', '--filter=@sipops/web', '--output-logs=errors-only'];
const BOT_BUILD = [process.execPath, ['bot/build.mjs']] as const;

/**
 * Builds what the tests and benches run as users do: the Next.js web app (Turborepo's cache
 * makes this instant when unchanged) and the bot's compiled entry points (rebuilt only when a
 * source is newer).
 */
export function buildApp(): void {
  execFileSync('npx', WEB_BUILD, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(...BOT_BUILD, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * The same, in child processes the caller need not wait on at once: the tests' global setup
 * migrates its template databases meanwhile. Both builds run side by side (they write different
 * folders); a failure rejects with what the build printed.
 */
export async function buildAppInBackground(): Promise<void> {
  const run = promisify(execFile);
  const options = { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 };
  const explain = (what: string) => (error: Error & { stderr?: string; stdout?: string }) => {
    throw new Error(`${what} failed: ${error.stderr || error.stdout || error.message}`);
  };
  await Promise.all([
    run('npx', WEB_BUILD, options).catch(explain('the web build (npx turbo run build)')),
    run(...BOT_BUILD, options).catch(explain('the bot build (node bot/build.mjs)')),
  ]);
}
