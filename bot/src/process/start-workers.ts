import { parseArgs } from 'node:util';
import { ConfigError } from '@sipops/shared/config/read';
import { openRuntime, type Runtime } from '@sipops/shared/runtime';
import { startBackgroundWorkers, type WorkerTuning } from './background-workers.ts';
import { readWorkersEnv } from './env.ts';

const USAGE = `usage: npm run workers -- [--lease-ms N] [--max-retry-ms N] [--provider-timeout-ms N] [--poll-ms N] [--progress-ms N]

Delivers the outbox (Slack notifications, SMS, registrar removals, import progress) in a
process of its own, as SIPOPS_PARTS=workers npm start does, beside servers that do not run
the workers. Postgres only (DATABASE_URL): PGlite has one process. Run it as many times as
wanted. The flags shorten the pacing for drills; the lease must outlast the provider timeout.`;

const FLAGS = {
  'lease-ms': 'leaseMs',
  'max-retry-ms': 'maxRetryMs',
  'provider-timeout-ms': 'providerTimeoutMs',
  'poll-ms': 'pollIntervalMs',
  'progress-ms': 'progressIntervalMs',
} as const;

class UsageError extends Error {}

function readTuning(argv: string[]): WorkerTuning {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' }])),
    strict: true,
  });
  const tuning: WorkerTuning = {};
  for (const [flag, key] of Object.entries(FLAGS)) {
    const text = values[flag];
    if (typeof text !== 'string') continue;
    if (!/^\d+$/.test(text) || Number(text) < 1)
      throw new UsageError(`--${flag}: must be a whole number of milliseconds`);
    tuning[key] = Number(text);
  }
  if (tuning.leaseMs && tuning.leaseMs <= (tuning.providerTimeoutMs ?? 15_000))
    throw new UsageError(
      '--lease-ms: must be longer than the provider timeout, or two workers could send one message',
    );
  return tuning;
}

/** `npm run workers`: the outbox workers alone, so they can stop or crash apart from the web app. */
async function main(): Promise<void> {
  let tuning: WorkerTuning;
  try {
    tuning = readTuning(process.argv.slice(2));
  } catch (error) {
    console.error(`sipops workers: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { runtime: config, ...configs } = readWorkersEnv();
  const runtime: Runtime = await openRuntime(config, { role: 'server', pid: process.pid });
  const workers = startBackgroundWorkers(runtime, configs, tuning);
  console.log(['sipops workers are running', ...workers.lines].join('\n'));

  let isStopping = false;
  const stop = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    console.log(`sipops workers: ${signal}, stopping`);
    void workers
      .stop()
      .catch(() => {})
      .then(() => runtime.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? `sipops workers: ${error.message}`
      : `sipops workers: could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
