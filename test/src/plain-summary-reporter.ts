import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** Where the last run's totals and time are kept, for `npm run bench -- npm-test`. */
export const LAST_RUN_FILE = join(import.meta.dirname, '../.tmp/last-test-run.json');

export type LastRun = {
  at: string;
  seconds: number;
  files: number;
  passed: number;
  failed: number;
  skipped: number;
};

/** Ends the run with the plain `N passed, N failed` line that CI reads in any language. */
export default class PlainSummaryReporter implements Reporter {
  private readonly started = performance.now();

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    // Only whole runs: a few files run by hand say nothing of how long `npm test` takes.
    if (testModules.length < 40) return;
    const run: LastRun = {
      at: new Date().toISOString(),
      seconds: Math.round((performance.now() - this.started) / 1000),
      files: testModules.length,
      passed,
      failed,
      skipped,
    };
    mkdirSync(join(LAST_RUN_FILE, '..'), { recursive: true });
    writeFileSync(LAST_RUN_FILE, `${JSON.stringify(run)}\n`);
  }
}
