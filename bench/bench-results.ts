import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const resultsFile = path.join(import.meta.dirname, 'RESULTS.md');

/** The machine a figure was measured on. */
export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  let nproc = String(os.availableParallelism());
  try {
    nproc = execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // nproc missing: Node's count is the same thing.
  }
  // Other work on the machine skews every figure: say how busy it was.
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  return `nproc ${nproc}, ${cpu}, Node ${process.version}, ${os.platform()} ${os.release()}; load average ${load} at the start`;
}

/**
 * Appends one benchmark's figures to bench/RESULTS.md with the date, the machine and the database.
 *
 * @example
 * appendResults('audit append', 'sqlite', ['| 1 entry per transaction | 4,000 entries/s |']);
 */
export function appendResults(bench: string, database: string, lines: string[]): void {
  if (!fs.existsSync(resultsFile)) {
    fs.writeFileSync(resultsFile, '# Benchmark results\n\nAppended by `npm run bench`; newest last. Figures depend on the machine named with them.\n');
  }
  const block = [
    '',
    `## ${bench} — ${database} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${machine()}`,
    '',
    ...lines,
    '',
  ].join('\n');
  fs.appendFileSync(resultsFile, block);
  process.stdout.write(block);
}

/** `1234567.8` → `1,234,568`. */
export function formatNumber(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
