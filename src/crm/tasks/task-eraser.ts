import type { PersonEraser } from '../../kernel/erasure/person-erasers.ts';
import { setWiseScope } from '../../kernel/erasure/set-wise-eraser.ts';

/**
 * The eraser of tasks about a person (ADR 0012): their titles are encrypted under the person's key, so the tasks are
 * deleted. Kept in memory for the reversible phase.
 *
 * @example
 * erasure.erasers.register(taskEraser);
 */
export const taskEraser: PersonEraser = {
  name: 'tasks',
  async erase(trx, target) {
    const rows = await trx
      .selectFrom('tasks')
      .selectAll()
      .where('workspace_id', '=', target.workspaceId)
      .where('linked_entity', '=', 'person')
      .where('linked_id', '=', target.personId)
      .execute();
    await trx
      .deleteFrom('tasks')
      .where('workspace_id', '=', target.workspaceId)
      .where('linked_entity', '=', 'person')
      .where('linked_id', '=', target.personId)
      .execute();
    return {
      erased: rows.length,
      undo: async (t) => {
        for (let i = 0; i < rows.length; i += 500) await t.insertInto('tasks').values(rows.slice(i, i + 500)).execute();
      },
    };
  },
  async eraseMany(trx, targets) {
    const { workspaceId, ids } = setWiseScope(targets);
    await trx
      .deleteFrom('tasks')
      .where('workspace_id', '=', workspaceId)
      .where('linked_entity', '=', 'person')
      .where('linked_id', 'in', ids)
      .execute();
  },
};
