import { defineConfig } from 'vitest/config';

/** The compliance console check in Chromium (same settings as test/browser/vitest.config.ts, this folder's file). */
export default defineConfig({
  test: {
    include: ['test/monitoring-compliance/**/*.browser.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    expect: { poll: { timeout: 30_000, interval: 100 } },
  },
});
