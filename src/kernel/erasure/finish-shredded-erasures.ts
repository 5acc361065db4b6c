import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * Completes, in the database, the erasure of every person whose data key is destroyed but whose row still holds
 * values: what a restore of a backup taken before the erasure brings back once the shred journal has destroyed the
 * key again. Clears the (now undecryptable) values, deletes the blind-index rows and marks the person erased, so that
 * lookups and lists no longer see them. Run after `reapplyShredJournal`. Idempotent; returns how many persons it
 * finished.
 *
 * The suppression entry written after the backup is not recoverable this way (the list is in the database and
 * only the person's values could rebuild it).
 *
 * @example
 * await reapplyShredJournal({ db, keyFiles });
 * const finished = await finishShreddedErasures(db.kysely);
 */
export async function finishShreddedErasures(db: Kysely<Database>): Promise<number> {
  const rows = await db
    .selectFrom('persons as p')
    .innerJoin('person_keys as k', (join) => join.onRef('k.person_id', '=', 'p.id').onRef('k.workspace_id', '=', 'p.workspace_id'))
    .select(['p.id', 'p.workspace_id', 'k.destroyed_at'])
    .where('k.destroyed_at', 'is not', null)
    .where('p.erased_at', 'is', null)
    .execute();
  for (const row of rows) {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('person_blind_indexes').where('person_id', '=', row.id).where('workspace_id', '=', row.workspace_id).execute();
      await trx
        .updateTable('persons')
        .set({ first_name: null, last_name: null, email: null, phone: null, erased_at: row.destroyed_at, erasing_run_id: null })
        .where('workspace_id', '=', row.workspace_id)
        .where('id', '=', row.id)
        .execute();
    });
  }
  return rows.length;
}
