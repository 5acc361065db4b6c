import fs from 'node:fs';
import path from 'node:path';

/**
 * Appends many JSON lines to `<dir>/<file>` in one write and one fsync: the batched erasure's form of
 * `appendJournalLine` (same file format, one line per entry), so that journalling a batch of a thousand erasures costs
 * one disk flush instead of a thousand.
 *
 * @example
 * appendJournalLines(keysDir, shredJournalFile, entries.map((e) => ({ ...e })));
 */
export function appendJournalLines(
  dir: string,
  file: string,
  entries: readonly Record<string, unknown>[],
): void {
  if (entries.length === 0) return;
  const target = path.join(dir, file);
  const isNew = !fs.existsSync(target);
  const fd = fs.openSync(target, 'a', 0o600);
  try {
    fs.writeSync(fd, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (isNew) {
    const folder = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(folder);
    } catch {
      // Some file systems refuse fsync on a directory; the file's own fsync already happened.
    } finally {
      fs.closeSync(folder);
    }
  }
}
