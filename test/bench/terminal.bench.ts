import { execFile } from 'node:child_process';
import { createTestDatabase } from '@sipops/db/testing';
import { startActivationServer } from '../src/activation/activation-server.ts';
import { baseEnv, embeddedEnv, postgresEnv, REPO_ROOT, runSip } from '../src/sip.ts';

/**
 * `npm run bench -- terminal`: how long a person waits for `npm run -s sip -- show …`, beside
 * npm's own floor (`npm run -s bench:floor`, a script that does nothing) timed in the same run:
 * forwarded to a running server, and run alone on PGlite and on Postgres.
 */

const RUNS = 9;

function timeCommand(command: string[], env: Record<string, string>): Promise<number> {
  const [program = '', ...args] = command;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(program, args, { cwd: REPO_ROOT, env: { ...baseEnv(), ...env } }, (error) =>
      error ? reject(error) : resolve((performance.now() - started) / 1000),
    );
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** The median of RUNS runs of each command, taken in turns so that both see the same load. */
async function compare(
  command: string[],
  env: Record<string, string>,
): Promise<{ seconds: number; floor: number }> {
  const floor: number[] = [];
  const seconds: number[] = [];
  await timeCommand(command, env); // warm the file cache
  for (let run = 0; run < RUNS; run++) {
    floor.push(await timeCommand(['npm', 'run', '-s', 'bench:floor'], env));
    seconds.push(await timeCommand(command, env));
  }
  return { seconds: median(seconds), floor: median(floor) };
}

const row = (name: string, r: { seconds: number; floor: number }, goal: string) =>
  `${name.padEnd(34)} ${r.seconds.toFixed(2)} s  (npm floor ${r.floor.toFixed(2)} s, ${(r.seconds - r.floor).toFixed(2)} s above it)  goal: ${goal}`;

/** The number of the one account the benches seed. */
export const BENCH_NUMBER = '+393471234567';

/** A profile, a group and one PGSM account (plus `more` commands) through the real terminal. */
export async function seedOneAccount(
  env: Record<string, string>,
  more: string[][] = [],
): Promise<void> {
  for (const args of [
    ['profile', 'create', 'main', '--sip-host', 'sip.example.com'],
    ['group', 'create', 'acme', '--profile', 'main'],
    [
      'create',
      '--group',
      'acme',
      '--type',
      'pgsm',
      '--number',
      BENCH_NUMBER,
      '--password',
      'S3cret-pass-1',
    ],
    ...more,
  ]) {
    const result = await runSip(args, env);
    if (result.code !== 0) throw new Error(`sip ${args.join(' ')}: ${result.stderr}`);
  }
}

export async function benchTerminal(options: { adminUrl: string | undefined }): Promise<void> {
  const show = ['npm', 'run', '-s', 'sip', '--', 'show', BENCH_NUMBER];
  console.log(`npm run -s sip -- show <number>, median of ${RUNS}, each beside npm's floor`);

  const app = await startActivationServer('pglite');
  try {
    await seedOneAccount(app.env);
    console.log(row('forwarded to the running server', await compare(show, app.env), '≤ 0.4 s'));
  } finally {
    await app.stop();
  }

  const alone = embeddedEnv();
  await seedOneAccount(alone);
  console.log(row('alone, PGlite', await compare(show, alone), '≤ 1 s'));

  if (!options.adminUrl) {
    console.log('alone, Postgres: skipped (TEST_DATABASE_URL is not set)');
    return;
  }
  const database = await createTestDatabase('postgres');
  try {
    const env = postgresEnv(database.url ?? '');
    await seedOneAccount(env);
    console.log(row('alone, Postgres', await compare(show, env), '≤ 1 s'));
  } finally {
    await database.close();
  }
}
