import { statSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Most files wait on child processes (servers, Kamailio, sipp, Chromium) and on Postgres, so more
// files at once than cores pays off; SIPOPS_TEST_WORKERS overrides it (1 runs them one by one).
const workers = Number(process.env.SIPOPS_TEST_WORKERS) || 3;

/**
 * The files under test/src start servers, terminals and phones and take the longest: they start
 * first, biggest first, so that the run does not end waiting on one of them started late. The
 * rest follow in Vitest's own order (the slowest of the last run first, when it knows them).
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const isLong = (file: TestSpecification) => /[\\/]test[\\/]src[\\/]/.test(file.moduleId);
    const long = files
      .filter(isLong)
      .map((file) => ({ file, size: statSync(file.moduleId).size }))
      .sort((a, b) => b.size - a.size)
      .map(({ file }) => file);
    return [...long, ...(await super.sort(files.filter((file) => !isLong(file))))];
  }
}

export default defineConfig({
  test: {
    include: [
      '{db,shared,bot,web,test}/src/**/*.test.ts',
      '{db,shared,bot,web,test}/app/**/*.test.ts',
    ],
    globalSetup: ['./test/src/global-setup.ts'],
    maxWorkers: workers,
    // Every suite opens PGlite (WebAssembly) for seconds: V8's baseline compiler alone spares the
    // optimizing one's background work, the suites' CPU time by a sixth to a third.
    execArgv: ['--liftoff-only'],
    sequence: { sequencer: LongestFirst },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/src/plain-summary-reporter.ts'],
  },
});
