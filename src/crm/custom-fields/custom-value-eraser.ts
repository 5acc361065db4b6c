import type { PersonEraser } from '../../kernel/erasure/person-erasers.ts';
import { setWiseScope } from '../../kernel/erasure/set-wise-eraser.ts';

/**
 * Erases a person's custom values, their version counter and their `custom.*` blind-index rows. Undone (rows put
 * back) while the erasure pipeline is still reversible.
 *
 * @example
 * erasure.erasers.register(customValueEraser);
 */
export const customValueEraser: PersonEraser = {
  name: 'custom-field-values',
  async erase(trx, target) {
    const scope = { workspaceId: target.workspaceId, personId: target.personId };
    const values = await trx
      .selectFrom('custom_field_values')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .where('entity', '=', 'person')
      .where('record_id', '=', scope.personId)
      .execute();
    const sets = await trx
      .selectFrom('custom_value_sets')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .where('entity', '=', 'person')
      .where('record_id', '=', scope.personId)
      .execute();
    const indexes = await trx
      .selectFrom('person_blind_indexes')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .where('person_id', '=', scope.personId)
      .where('field', 'like', 'custom.%')
      .execute();
    await trx.deleteFrom('custom_field_values').where('workspace_id', '=', scope.workspaceId).where('entity', '=', 'person').where('record_id', '=', scope.personId).execute();
    await trx.deleteFrom('custom_value_sets').where('workspace_id', '=', scope.workspaceId).where('entity', '=', 'person').where('record_id', '=', scope.personId).execute();
    await trx.deleteFrom('person_blind_indexes').where('workspace_id', '=', scope.workspaceId).where('person_id', '=', scope.personId).where('field', 'like', 'custom.%').execute();
    return {
      erased: values.length,
      undo: async (t) => {
        if (values.length > 0) await t.insertInto('custom_field_values').values(values).execute();
        if (sets.length > 0) await t.insertInto('custom_value_sets').values(sets).execute();
        if (indexes.length > 0) await t.insertInto('person_blind_indexes').values(indexes).execute();
      },
    };
  },
  async eraseMany(trx, targets) {
    const { workspaceId, ids } = setWiseScope(targets);
    await trx.deleteFrom('custom_field_values').where('workspace_id', '=', workspaceId).where('entity', '=', 'person').where('record_id', 'in', ids).execute();
    await trx.deleteFrom('custom_value_sets').where('workspace_id', '=', workspaceId).where('entity', '=', 'person').where('record_id', 'in', ids).execute();
    // The batch's blind-index step removes every blind index of its persons right after, `custom.*` ones included;
    // doing it here as well would read the same rows twice.
  },
};
