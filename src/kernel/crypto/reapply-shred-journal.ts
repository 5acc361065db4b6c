import type { Db } from '../../db/database.ts';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { wrappedKeyLength } from './data-key-wrap.ts';
import type { KeyFiles } from './key-files.ts';
import { readShredJournal } from './shred-journal.ts';

export interface ReapplyResult {
  /** Entries in the journal. */
  readonly entries: number;
  /** Keys that a restore had brought back and that were destroyed again. */
  readonly destroyedAgain: number;
}

/**
 * Destroys again every data key listed in the shred journal: run after any restore, so that a backup taken before an
 * erasure never brings the person back. Matches by workspace and person (a restored key row carries the same ids),
 * keeps the original destruction time, and does not write to the journal. Idempotent.
 *
 * @example
 * const { destroyedAgain } = await reapplyShredJournal({ db, keyFiles });
 */
export async function reapplyShredJournal(deps: {
  db: Db;
  keyFiles: KeyFiles;
  clock?: Clock;
}): Promise<ReapplyResult> {
  const entries = readShredJournal(deps.keyFiles.keysDir);
  const clock = deps.clock ?? systemClock;
  let destroyedAgain = 0;
  const batchSize = 500;
  for (let start = 0; start < entries.length; start += batchSize) {
    const batch = entries.slice(start, start + batchSize);
    destroyedAgain += await deps.db.kysely.transaction().execute(async (trx) => {
      let n = 0;
      for (const entry of batch) {
        const result = await trx
          .updateTable('person_keys')
          .set({
            wrapped_key: Buffer.alloc(wrappedKeyLength),
            destroyed_at: entry.destroyedAt || clock.now().toISOString(),
          })
          .where('workspace_id', '=', entry.workspaceId)
          .where('person_id', '=', entry.personId)
          .where('destroyed_at', 'is', null)
          .executeTakeFirst();
        n += Number(result.numUpdatedRows);
      }
      return n;
    });
  }
  return { entries: entries.length, destroyedAgain };
}
