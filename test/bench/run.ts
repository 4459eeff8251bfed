import { buildApp } from '../src/build-app.ts';
import { benchActivationPage } from './activation-page.bench.ts';
import { benchBatchImport } from './batch-import.ts';
import { benchFirstStart } from './first-start.bench.ts';
import { benchNpmTest } from './npm-test.bench.ts';
import { benchPageWeight } from './page-weight.bench.ts';
import { benchSipRegister } from './sip-register.ts';
import { benchSlackAck } from './slack-ack.bench.ts';
import { benchTerminal } from './terminal.bench.ts';

/**
 * `npm run bench [-- <name>…]`: runs every bench listed here (add yours), or only those named.
 * Postgres comes from TEST_DATABASE_URL (an admin URL: each bench makes and drops its database).
 */
// In the order of the table of waits in the README's "Measured", then the others.
const BENCHES: { name: string; run: () => Promise<unknown> }[] = [
  { name: 'terminal', run: () => benchTerminal({ adminUrl: process.env.TEST_DATABASE_URL }) },
  { name: 'slack-ack', run: () => benchSlackAck({ adminUrl: process.env.TEST_DATABASE_URL }) },
  {
    name: 'batch-import',
    run: () =>
      benchBatchImport({
        rows: process.env.BENCH_ROWS ? Number(process.env.BENCH_ROWS) : undefined,
        adminUrl: process.env.TEST_DATABASE_URL,
        isPgliteIncluded: process.env.BENCH_PGLITE === '1',
      }),
  },
  {
    name: 'activation-page',
    run: () =>
      benchActivationPage({
        seconds: process.env.BENCH_SECONDS ? Number(process.env.BENCH_SECONDS) : undefined,
        concurrency: process.env.BENCH_CONCURRENCY
          ? Number(process.env.BENCH_CONCURRENCY)
          : undefined,
      }),
  },
  { name: 'first-start', run: benchFirstStart },
  { name: 'npm-test', run: async () => benchNpmTest() },
  {
    name: 'sip-register',
    run: () =>
      benchSipRegister({
        accounts: process.env.BENCH_ACCOUNTS ? Number(process.env.BENCH_ACCOUNTS) : undefined,
        registers: process.env.BENCH_REGISTERS ? Number(process.env.BENCH_REGISTERS) : undefined,
        adminUrl: process.env.TEST_DATABASE_URL,
      }),
  },
  { name: 'page-weight', run: benchPageWeight },
];

const wanted = process.argv.slice(2);
const chosen = wanted.length > 0 ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
if (chosen.length === 0) {
  console.error(
    `no bench named ${wanted.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
  );
  process.exitCode = 2;
}
buildApp();
for (const bench of chosen) {
  console.log(`# ${bench.name}`);
  await bench.run();
}
