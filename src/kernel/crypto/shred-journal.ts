import { appendJournalLine, readJournalLines } from './journal-file.ts';

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
  appendJournalLine(keysDir, shredJournalFile, {
    workspaceId: entry.workspaceId,
    personId: entry.personId,
    keyId: entry.keyId,
    destroyedAt: entry.destroyedAt,
  });
}

/**
 * Every entry of the journal, oldest first. A torn last line (a crash mid-write) is skipped; any other malformed
 * line throws, since silently dropping an erasure would be worse than stopping.
 *
 * @example
 * const entries = readShredJournal(keyFiles.keysDir);
 */
export function readShredJournal(keysDir: string): ShredJournalEntry[] {
  return readJournalLines(keysDir, shredJournalFile, (e) =>
    typeof e.workspaceId === 'string' && typeof e.personId === 'string' && typeof e.keyId === 'string' && typeof e.destroyedAt === 'string'
      ? { workspaceId: e.workspaceId, personId: e.personId, keyId: e.keyId, destroyedAt: e.destroyedAt }
      : undefined,
  );
}
