import fs from 'node:fs';
import path from 'node:path';

/**
 * One destroyed data key, as written to `<keysDir>/shred-journal.jsonl`. Ids and a time only: no personal data.
 */
export interface ShredJournalEntry {
  readonly workspaceId: string;
  readonly personId: string;
  /** `person_keys.id` of the destroyed key. */
  readonly keyId: string;
  /** When it was destroyed (ISO-8601 UTC). */
  readonly destroyedAt: string;
}

/** Name of the journal file in the keys folder (beside the KEK, outside the database and its backups). */
export const shredJournalFile = 'shred-journal.jsonl';

/**
 * Appends an entry and fsyncs it before returning, so that an erasure recorded here survives a crash and any
 * restore of the database. Written before the key row is overwritten (a write-ahead record): if the process dies in
 * between, the next re-application finishes the job.
 *
 * @example
 * appendShredJournal(keyFiles.keysDir, { workspaceId, personId, keyId, destroyedAt: isoNow(clock) });
 */
export function appendShredJournal(keysDir: string, entry: ShredJournalEntry): void {
  const file = path.join(keysDir, shredJournalFile);
  const isNew = !fs.existsSync(file);
  const line = `${JSON.stringify({
    workspaceId: entry.workspaceId,
    personId: entry.personId,
    keyId: entry.keyId,
    destroyedAt: entry.destroyedAt,
  })}\n`;
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, line);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (isNew) {
    // Make the new directory entry durable too.
    const dir = fs.openSync(keysDir, 'r');
    try {
      fs.fsyncSync(dir);
    } catch {
      // Some file systems refuse fsync on a directory; the file's own fsync already happened.
    } finally {
      fs.closeSync(dir);
    }
  }
}

/**
 * Every entry of the journal, oldest first. A torn last line (a crash mid-write) is skipped; any other malformed
 * line throws, since silently dropping an erasure would be worse than stopping.
 *
 * @example
 * const entries = readShredJournal(keyFiles.keysDir);
 */
export function readShredJournal(keysDir: string): ShredJournalEntry[] {
  const file = path.join(keysDir, shredJournalFile);
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const entries: ShredJournalEntry[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (index === lines.length - 1) return;
      throw new Error(`${shredJournalFile} line ${index + 1} is not JSON`);
    }
    const e = parsed as Record<string, unknown>;
    if (
      typeof e.workspaceId !== 'string' ||
      typeof e.personId !== 'string' ||
      typeof e.keyId !== 'string' ||
      typeof e.destroyedAt !== 'string'
    ) {
      throw new Error(`${shredJournalFile} line ${index + 1} lacks an id or a time`);
    }
    entries.push({
      workspaceId: e.workspaceId,
      personId: e.personId,
      keyId: e.keyId,
      destroyedAt: e.destroyedAt,
    });
  });
  return entries;
}
