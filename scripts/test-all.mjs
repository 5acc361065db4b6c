// `npm test`: typecheck, lint, the vitest suites (SQLite and PostgreSQL), then the browser tests.
//
// The typecheck and the lint are CPU work; the vitest suites wait on PostgreSQL and SQLite commits much of the time.
// They run side by side (the typecheck's and lint's output is held back and printed when each ends; the suites'
// output streams). Then the browser tests build the console and run, only when all of that passed, as before. The
// console is not built during the vitest run: whether web/dist exists changes how every app answers unknown paths.
import { spawn } from 'node:child_process';

/** Runs one command; resolves with its exit code and, unless streamed, its captured output. */
function run(name, command, args, { stream = false } = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: stream ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      if (!stream && output.trim()) process.stdout.write(`\n── ${name} ──\n${output}`);
      console.log(`── ${name}: ${code === 0 ? 'passed' : `FAILED (${signal ?? code})`} in ${seconds} s`);
      resolve(code ?? 1);
    });
  });
}

const sequence = async (...steps) => {
  for (const step of steps) {
    const code = await step();
    if (code !== 0) return code;
  }
  return 0;
};

const phaseOne = await Promise.all([
  sequence(
    () => run('typecheck (server)', 'npx', ['tsc', '-p', '.']),
    () => run('typecheck (web)', 'npx', ['tsc', '-p', 'web']),
  ),
  run('lint', 'npx', ['eslint', '.']),
  run('vitest', 'npx', ['vitest', 'run'], { stream: true }),
]);
if (phaseOne.some((code) => code !== 0)) process.exit(1);

const browser = await run('browser tests', 'node', ['scripts/test-browser.mjs'], { stream: true });
process.exit(browser);
