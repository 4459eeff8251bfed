import { readFileSync } from 'node:fs';
import { LAST_RUN_FILE, type LastRun } from '../src/plain-summary-reporter.ts';

/**
 * `npm run bench -- npm-test`: how long the last whole test run took (Vitest's part of
 * `npm test`, as its reporter recorded it), against the goal. Running the suite again here would
 * take minutes and load the machine the other benches measure on.
 */
export function benchNpmTest(): void {
  let run: LastRun;
  try {
    run = JSON.parse(readFileSync(LAST_RUN_FILE, 'utf8')) as LastRun;
  } catch {
    console.log('no whole test run recorded yet: run npm test first');
    return;
  }
  const minutes = Math.floor(run.seconds / 60);
  console.log(
    `last npm test (${run.at}): ${minutes} min ${run.seconds % 60} s for ${run.files} files, ${run.passed} passed, ${run.failed} failed (goal ≤ 6 min on 2 cores)`,
  );
}
