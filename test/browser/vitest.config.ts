import { defineConfig } from 'vitest/config';

/** The browser tests: a real server and Debian's Chromium, one file at a time. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['./test/support/template-teardown.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    // A page loads its code and data over real HTTP: give polled expectations the time Playwright's own waits get.
    expect: { poll: { timeout: 30_000, interval: 100 } },
  },
});
