// Runs the browser tests (test/browser) after building the console. Chromium must be at /usr/bin/chromium.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

if (!fs.existsSync('test/browser') || fs.readdirSync('test/browser').filter((f) => f.endsWith('.test.ts')).length === 0) {
  console.log('no browser tests');
  process.exit(0);
}
const build = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync('npx', ['vitest', 'run', '--config', 'test/browser/vitest.config.ts'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
