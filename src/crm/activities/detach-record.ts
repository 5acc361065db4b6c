import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * What a deleted organization or deal leaves behind, cleaned in the deleting transaction: its links on activities go,
 * an activity left with no link at all goes too (it was about that record only), and tasks linked to it stay with
 * their assignee but lose the link. Returns the counts.
 *
 * @example
 * await detachRecord(trx, workspaceId, 'deal', dealId);
 */
export async function detachRecord(
  trx: Kysely<Database>,
  workspaceId: string,
  entity: 'organization' | 'deal',
  recordId: string,
): Promise<{ links: number; activities: number; tasks: number }> {
  const linked = await trx
    .selectFrom('activity_links')
    .select('activity_id')
    .where('workspace_id', '=', workspaceId)
    .where('entity', '=', entity)
    .where('record_id', '=', recordId)
    .execute();
  const links = await trx
    .deleteFrom('activity_links')
    .where('workspace_id', '=', workspaceId)
    .where('entity', '=', entity)
    .where('record_id', '=', recordId)
    .executeTakeFirst();
  let activities = 0;
  const ids = [...new Set(linked.map((l) => l.activity_id))];
  if (ids.length > 0) {
    const stillLinked = new Set(
      (await trx.selectFrom('activity_links').select('activity_id').where('workspace_id', '=', workspaceId).where('activity_id', 'in', ids).execute()).map((r) => r.activity_id),
    );
    const orphans = ids.filter((id) => !stillLinked.has(id));
    if (orphans.length > 0) {
      const gone = await trx.deleteFrom('activities').where('workspace_id', '=', workspaceId).where('id', 'in', orphans).executeTakeFirst();
      activities = Number(gone.numDeletedRows);
    }
  }
  const tasks = await trx
    .updateTable('tasks')
    .set({ linked_entity: null, linked_id: null })
    .where('workspace_id', '=', workspaceId)
    .where('linked_entity', '=', entity)
    .where('linked_id', '=', recordId)
    .executeTakeFirst();
  return { links: Number(links.numDeletedRows), activities, tasks: Number(tasks.numUpdatedRows) };
}
