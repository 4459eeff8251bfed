import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import postgres from 'postgres';

/** Says which databases this run covers, and fails at once when the Postgres asked for is down. */
export default async function setup(): Promise<void> {
  buildWebApp();
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    console.log('[sipops] TEST_DATABASE_URL is not set: integration tests run on PGlite only.');
    return;
  }
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (error) {
    throw new Error(
      `TEST_DATABASE_URL is set but its server cannot be reached: ${(error as Error).message}`,
    );
  } finally {
    await sql.end();
  }
  console.log(`[sipops] integration tests run on PGlite and on Postgres (${new URL(url).host}).`);
}

/** The server tests serve the built Next.js app; turbo's cache makes this instant when unchanged. */
function buildWebApp(): void {
  execFileSync(
    'npx',
    ['turbo', 'run', 'build', '--filter=@sipops/web', '--output-logs=errors-only'],
    {
      cwd: resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}
