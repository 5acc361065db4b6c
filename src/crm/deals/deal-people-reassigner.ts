import type { PersonReassigner } from '../merge/person-reassigners.ts';

/**
 * On a merge the kept person takes over the merged-away person's deal links; a deal that already links both keeps
 * one link.
 *
 * @example
 * personReassigners.register(dealPeopleReassigner);
 */
export const dealPeopleReassigner: PersonReassigner = {
  name: 'deal-people',
  async reassign(trx, t) {
    const both = trx.selectFrom('deal_people').select('deal_id').where('workspace_id', '=', t.workspaceId).where('person_id', '=', t.toPersonId);
    const dropped = await trx
      .deleteFrom('deal_people')
      .where('workspace_id', '=', t.workspaceId)
      .where('person_id', '=', t.fromPersonId)
      .where('deal_id', 'in', both)
      .executeTakeFirst();
    const moved = await trx
      .updateTable('deal_people')
      .set({ person_id: t.toPersonId })
      .where('workspace_id', '=', t.workspaceId)
      .where('person_id', '=', t.fromPersonId)
      .executeTakeFirst();
    return Number(dropped.numDeletedRows) + Number(moved.numUpdatedRows);
  },
};
