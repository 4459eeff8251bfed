import { expect, it } from 'vitest';
import { printReport, runChaos } from './chaos-run.ts';

/**
 * The chaos run with a short setting (npm run chaos is the long one): workers SIGKILLed, the
 * private Postgres stopped hard, Slack and Twilio failing, reports repeated and shuffled.
 */
it('keeps every change whole, delivered once and in order through kills, crashes and faults', async () => {
  const report = await runChaos({
    seconds: 25,
    workerLifeMs: [1000, 5000],
    minWorkerKills: 2,
    postgresEveryMs: [5000, 9000],
    postgresDownMs: [300, 1500],
    log: () => {},
  });
  printReport(report, (line) => console.log(line));
  expect(report.violations).toEqual([]);
  expect(report.counts['worker SIGKILLs'] ?? 0).toBeGreaterThanOrEqual(2);
  expect(report.counts['postgres immediate stops'] ?? 0).toBeGreaterThanOrEqual(1);
  expect(report.counts['changes acknowledged'] ?? 0).toBeGreaterThan(10);
  // The archived channel and the refused numbers make dead letters: their display is checked.
  expect(report.counts['dead letters'] ?? 0).toBeGreaterThan(0);
}, 600_000);
