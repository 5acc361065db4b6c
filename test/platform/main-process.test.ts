import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('the server process', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-main-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints a one-time owner password at first start, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', CUSTODIAN_DATA_DIR: dataDir, CUSTODIAN_MODE: 'development', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 50_000);
      child.stdout.on('data', () => {
        if (out.includes('First start: sign in as')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`server exited: ${out}`)));
    });
    expect(out).toMatch(/sign in as admin@localhost with password \S{16,}/);
    expect(out).toContain('warning: generated master.key');
    expect(fs.statSync(path.join(dataDir, 'keys', 'master.key')).mode & 0o777).toBe(0o600);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 60_000);
});
