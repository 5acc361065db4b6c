import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { appendJournalLine, readJournalLines } from '../crypto/journal-file.ts';
import type { SuppressionKind, SuppressionReason } from './suppression-list.ts';
import { suppressionKinds } from './suppression-list.ts';

/**
 * One suppression entry, as written to `<keysDir>/suppression-journal.jsonl` beside the shred journal: a keyed hash
 * (hex) and why. No personal data: the hash is keyed with the server secret, which never enters the database.
 */
export interface SuppressionJournalEntry {
  readonly workspaceId: string;
  readonly kind: SuppressionKind;
  /** Hex of the keyed hash. */
  readonly hash: string;
  readonly reason: SuppressionReason;
  readonly at: string;
  readonly runId: string | null;
}

export const suppressionJournalFile = 'suppression-journal.jsonl';

const reasons: readonly string[] = ['erased', 'objected'] satisfies readonly SuppressionReason[];

/**
 * Appends entries (fsynced) before they are inserted in the database, so that a restore of an older backup cannot
 * lose them.
 *
 * @example
 * appendSuppressionJournal(keysDir, [{ workspaceId, kind: 'email', hash: 'ab12…', reason: 'erased', at, runId }]);
 */
export function appendSuppressionJournal(keysDir: string, entries: readonly SuppressionJournalEntry[]): void {
  for (const e of entries) appendJournalLine(keysDir, suppressionJournalFile, { ...e });
}

/** Every entry of the journal, oldest first (a torn last line is skipped, another malformed line throws). */
export function readSuppressionJournal(keysDir: string): SuppressionJournalEntry[] {
  return readJournalLines(keysDir, suppressionJournalFile, (e) =>
    typeof e.workspaceId === 'string' &&
    (suppressionKinds as readonly unknown[]).includes(e.kind) &&
    typeof e.hash === 'string' &&
    /^[0-9a-f]+$/.test(e.hash) &&
    reasons.includes(e.reason as string) &&
    typeof e.at === 'string'
      ? {
          workspaceId: e.workspaceId,
          kind: e.kind as SuppressionKind,
          hash: e.hash,
          reason: e.reason as SuppressionReason,
          at: e.at,
          runId: typeof e.runId === 'string' ? e.runId : null,
        }
      : undefined,
  );
}

/**
 * Inserts again every journal entry the database lacks (run after a restore). Idempotent; returns how many were
 * missing. Entries of workspaces the restored database does not hold are skipped.
 *
 * @example
 * const { restored } = await reapplySuppressionJournal(db.kysely, keyFiles.keysDir);
 */
export async function reapplySuppressionJournal(db: Kysely<Database>, keysDir: string): Promise<{ entries: number; restored: number }> {
  const entries = readSuppressionJournal(keysDir);
  const workspaces = new Set((await db.selectFrom('workspaces').select('id').execute()).map((w) => w.id));
  let restored = 0;
  const batchSize = 500;
  for (let start = 0; start < entries.length; start += batchSize) {
    const batch = entries.slice(start, start + batchSize).filter((e) => workspaces.has(e.workspaceId));
    restored += await db.transaction().execute(async (trx) => {
      let n = 0;
      for (const e of batch) {
        const result = await trx
          .insertInto('suppressions')
          .values({ workspace_id: e.workspaceId, kind: e.kind, hash: Buffer.from(e.hash, 'hex'), reason: e.reason, created_at: e.at, run_id: e.runId })
          .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'hash']).doNothing())
          .executeTakeFirst();
        n += Number(result.numInsertedOrUpdatedRows ?? 0n);
      }
      return n;
    });
  }
  return { entries: entries.length, restored };
}
