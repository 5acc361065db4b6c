import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { PersonEraser } from '../../kernel/erasure/person-erasers.ts';
import { setWiseScope } from '../../kernel/erasure/set-wise-eraser.ts';

const batch = 500;

async function insertInBatches<T extends keyof Database>(trx: Kysely<Database>, table: T, rows: readonly Database[T][]): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) await trx.insertInto(table).values(rows.slice(i, i + batch) as never).execute();
}

/**
 * The eraser of activities (ADR 0012): the activities keyed under the person (their content is encrypted under the
 * person's data key, which the pipeline destroys) are deleted with all their links; the person's links to other
 * activities are removed, so those no longer point at them. Rows are kept in memory for the reversible phase.
 *
 * @example
 * erasure.erasers.register(activityEraser);
 */
export const activityEraser: PersonEraser = {
  name: 'activities',
  async erase(trx, target) {
    const { workspaceId, personId } = target;
    const keyed = await trx.selectFrom('activities').selectAll().where('workspace_id', '=', workspaceId).where('key_person_id', '=', personId).execute();
    const ids = keyed.map((a) => a.id);
    const keyedLinks: Database['activity_links'][] = [];
    for (let i = 0; i < ids.length; i += batch) {
      const part = ids.slice(i, i + batch);
      keyedLinks.push(...(await trx.selectFrom('activity_links').selectAll().where('workspace_id', '=', workspaceId).where('activity_id', 'in', part).execute()));
      await trx.deleteFrom('activity_links').where('workspace_id', '=', workspaceId).where('activity_id', 'in', part).execute();
      await trx.deleteFrom('activities').where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
    }
    const otherLinks = await trx
      .selectFrom('activity_links')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('entity', '=', 'person')
      .where('record_id', '=', personId)
      .execute();
    await trx.deleteFrom('activity_links').where('workspace_id', '=', workspaceId).where('entity', '=', 'person').where('record_id', '=', personId).execute();
    return {
      erased: keyed.length + otherLinks.length,
      undo: async (t) => {
        await insertInBatches(t, 'activities', keyed);
        await insertInBatches(t, 'activity_links', [...keyedLinks, ...otherLinks]);
      },
    };
  },
  // Anonymise (retention, ADR 0025) keeps the person's activities for the aggregates (type, time, duration, direction,
  // outcome, links to deals and organizations), without content (encrypted under the key about to be destroyed) and
  // without the person; delete removes them as `erase` does.
  anonymises: true,
  async eraseMany(trx, targets, { mode }) {
    const { workspaceId, ids } = setWiseScope(targets);
    if (mode === 'anonymise') {
      await trx
        .updateTable('activities')
        .set({ key_person_id: null, subject_enc: null, body_enc: null, subject_text: null, body_text: null })
        .where('workspace_id', '=', workspaceId)
        .where('key_person_id', 'in', ids)
        .execute();
    } else {
      await trx
        .deleteFrom('activity_links')
        .where('workspace_id', '=', workspaceId)
        .where('activity_id', 'in', (eb) => eb.selectFrom('activities').select('id').where('workspace_id', '=', workspaceId).where('key_person_id', 'in', ids))
        .execute();
      await trx.deleteFrom('activities').where('workspace_id', '=', workspaceId).where('key_person_id', 'in', ids).execute();
    }
    await trx.deleteFrom('activity_links').where('workspace_id', '=', workspaceId).where('entity', '=', 'person').where('record_id', 'in', ids).execute();
  },
};
