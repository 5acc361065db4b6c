import fs from 'node:fs';
import path from 'node:path';

/**
 * Appends one JSON line to `<dir>/<file>` and fsyncs it (and the folder, when the file is new) before returning:
 * the journals kept beside the KEK (destroyed keys, suppression entries) must survive a crash and any database restore.
 *
 * @example
 * appendJournalLine(keyFiles.keysDir, 'shred-journal.jsonl', { workspaceId, personId, keyId, destroyedAt });
 */
export function appendJournalLine(dir: string, file: string, entry: Record<string, unknown>): void {
  const target = path.join(dir, file);
  const isNew = !fs.existsSync(target);
  const fd = fs.openSync(target, 'a', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(entry)}\n`);
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

/**
 * Every line of a journal, parsed and checked by `parse` (which throws on a malformed entry), oldest first. A torn
 * last line (a crash mid-write) is skipped; any other malformed line throws, since silently dropping an entry would
 * be worse than stopping.
 *
 * @example
 * const entries = readJournalLines(keysDir, 'shred-journal.jsonl', parseShredEntry);
 */
export function readJournalLines<T>(dir: string, file: string, parse: (value: Record<string, unknown>) => T | undefined): T[] {
  const target = path.join(dir, file);
  if (!fs.existsSync(target)) return [];
  const lines = fs.readFileSync(target, 'utf8').split('\n');
  const entries: T[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (index === lines.length - 1) return;
      throw new Error(`${file} line ${index + 1} is not JSON`);
    }
    const entry = typeof parsed === 'object' && parsed !== null ? parse(parsed as Record<string, unknown>) : undefined;
    if (entry === undefined) throw new Error(`${file} line ${index + 1} lacks a required field`);
    entries.push(entry);
  });
  return entries;
}
