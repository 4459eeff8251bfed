import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../sip.ts';
import { printReport, runChaos } from './chaos-run.ts';

/** `npm run chaos`: the chaos run for CHAOS_SECONDS (default 300), then its checks and counts. */
const DEFAULT_SECONDS = 300;
/** The workers SIGKILLed at the least; the faults go on (twice CHAOS_SECONDS at most) until then. */
const MIN_WORKER_KILLS = 50;

async function main(): Promise<number> {
  const text = process.env.CHAOS_SECONDS?.trim() || String(DEFAULT_SECONDS);
  if (!/^\d+$/.test(text) || Number(text) < 5) {
    console.error('chaos: CHAOS_SECONDS must be a whole number of seconds, 5 or more');
    return 2;
  }
  // The web app is served from its build; turbo's cache makes this instant when unchanged.
  execFileSync(
    'npx',
    ['turbo', 'run', 'build', '--filter=@sipops/web', '--output-logs=errors-only'],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const report = await runChaos({
    seconds: Number(text),
    minWorkerKills: MIN_WORKER_KILLS,
    signal: controller.signal,
  });
  printReport(report, (line) => console.log(line));
  return report.violations.length === 0 ? 0 : 1;
}

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    // The first signal ends the faults; the run still stops what it started. A second one quits.
    if (controller.signal.aborted) process.exit(130);
    console.error(`chaos: ${signal}, ending the faults and cleaning up (again to quit at once)`);
    controller.abort();
  });

// An uncaught exception still ends through 'exit', where the run stops what it started.
process.on('uncaughtException', (error) => {
  console.error(`chaos: uncaught exception: ${error.stack ?? error.message}`);
  process.exit(1);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `chaos: the run could not complete: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
