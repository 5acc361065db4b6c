import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/longest-first-sequencer.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['./test/support/template-teardown.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // The longest files start first, so that the run does not end on one of them alone.
    sequence: { sequencer: LongestFirstSequencer },
  },
});
