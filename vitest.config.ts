import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '{db,shared,bot,web,test}/src/**/*.test.ts',
      '{db,shared,bot,web,test}/app/**/*.test.ts',
    ],
    globalSetup: ['./test/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/src/plain-summary-reporter.ts'],
  },
});
