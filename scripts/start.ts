/**
 * `npm start`: builds the web console when it is missing, then runs the server.
 * Without CUSTODIAN_MODE it runs in development mode (plain-HTTP session cookie on localhost only).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!fs.existsSync(path.join(root, 'web/dist/index.html'))) {
  console.log('Building the web console (first start)…');
  const build = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
process.env.CUSTODIAN_MODE ??= 'development';
await import('../src/main.ts');
