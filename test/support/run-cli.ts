import { format } from 'node:util';
import { runCommandLine } from '../../src/cli/run-command-line.ts';
import type { TestDatabase } from './test-database.ts';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment variables every run sets or clears, so that one run's settings never leak into the next. */
const managed = ['CUSTODIAN_MODE', 'CUSTODIAN_DATA_DIR', 'CUSTODIAN_DATABASE_URL', 'CUSTODIAN_MASTER_KEY', 'CUSTODIAN_MASTER_KEY_PREVIOUS'];

let running = false;

/**
 * Runs the `custodian` command line in this process, exactly as `bin/custodian.js` does (same `runCommandLine`),
 * against a test database, with its own environment and captured output. Much faster than a child process (no tsx
 * start-up per call); `test/platform/main-process.test.ts` and `test/audit/audit-verify-cli.test.ts` still start the
 * real binary. Runs are serialised: the environment and the standard streams are process-wide.
 *
 * @example
 * const res = await runCli(t, ['keys', 'status', '--json']);
 * expect(res.code, res.stderr).toBe(0);
 */
export async function runCli(t: TestDatabase, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  if (running) throw new Error('runCli: one run at a time');
  running = true;
  const savedEnv = new Map(managed.map((k) => [k, process.env[k]]));
  for (const k of Object.keys(extraEnv)) if (!savedEnv.has(k)) savedEnv.set(k, process.env[k]);
  const savedExitCode = process.exitCode;
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  // The test runner intercepts `console`, so it is redirected as well as the streams.
  const consoleMethods = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  let stdout = '';
  let stderr = '';
  const capture = (append: (s: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  try {
    for (const k of managed) delete process.env[k];
    process.env.CUSTODIAN_MODE = 'test';
    process.env.CUSTODIAN_DATA_DIR = t.dataDir;
    if (t.postgresUrl) process.env.CUSTODIAN_DATABASE_URL = t.postgresUrl;
    Object.assign(process.env, extraEnv);
    process.exitCode = undefined;
    process.stdout.write = capture((s) => (stdout += s));
    process.stderr.write = capture((s) => (stderr += s));
    console.log = console.info = (...a: unknown[]) => void (stdout += `${format(...a)}\n`);
    console.warn = console.error = (...a: unknown[]) => void (stderr += `${format(...a)}\n`);
    const code = await runCommandLine(['node', 'custodian', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    Object.assign(console, consoleMethods);
    process.exitCode = savedExitCode;
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    running = false;
  }
}
