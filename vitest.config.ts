import { defineConfig } from 'vitest/config';

// Most files wait on child processes (servers, Kamailio, sipp, Chromium) and on Postgres, so more
// files at once than cores pays off; SIPOPS_TEST_WORKERS overrides it (1 runs them one by one).
const workers = Number(process.env.SIPOPS_TEST_WORKERS) || 3;

export default defineConfig({
  test: {
    include: [
      '{db,shared,bot,web,test}/src/**/*.test.ts',
      '{db,shared,bot,web,test}/app/**/*.test.ts',
    ],
    globalSetup: ['./test/src/global-setup.ts'],
    maxWorkers: workers,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/src/plain-summary-reporter.ts'],
  },
});
