import type { PersonEraser } from '../../kernel/erasure/person-erasers.ts';
import { setWiseScope } from '../../kernel/erasure/set-wise-eraser.ts';

/**
 * Erasing a person unlinks them from every deal; the deals themselves (business data) stay. Undone by re-linking
 * while the pipeline is still reversible.
 *
 * @example
 * erasure.erasers.register(dealPeopleEraser);
 */
export const dealPeopleEraser: PersonEraser = {
  name: 'deal-people',
  async erase(trx, target) {
    const saved = await trx.selectFrom('deal_people').selectAll().where('workspace_id', '=', target.workspaceId).where('person_id', '=', target.personId).execute();
    if (saved.length === 0) return { erased: 0 };
    await trx.deleteFrom('deal_people').where('workspace_id', '=', target.workspaceId).where('person_id', '=', target.personId).execute();
    return {
      erased: saved.length,
      undo: async (t) => {
        await t.insertInto('deal_people').values(saved).execute();
      },
    };
  },
  async eraseMany(trx, targets) {
    const { workspaceId, ids } = setWiseScope(targets);
    await trx.deleteFrom('deal_people').where('workspace_id', '=', workspaceId).where('person_id', 'in', ids).execute();
  },
};
