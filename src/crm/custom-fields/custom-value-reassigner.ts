import type { PersonReassigner } from '../merge/person-reassigners.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { CustomValue } from './custom-field-types.ts';
import { customValueBinding } from './custom-value-binding.ts';

/**
 * Moves a merged-away person's custom values to the kept person, re-encrypted under the kept person's key and
 * bound to them. Where both hold a value of the same field, the kept person's wins. The merged-away person's
 * `custom.*` index rows follow the values that moved.
 *
 * @example
 * personReassigners.register(createCustomValueReassigner({ fieldCipher, clock }));
 */
export function createCustomValueReassigner(deps: { readonly fieldCipher: FieldCipher; readonly clock: Clock }): PersonReassigner {
  return {
    name: 'custom-field-values',
    async reassign(trx, t) {
      const scope = (personId: string) =>
        trx.selectFrom('custom_field_values').selectAll().where('workspace_id', '=', t.workspaceId).where('entity', '=', 'person').where('record_id', '=', personId);
      const from = await scope(t.fromPersonId).execute();
      const kept = new Set((await scope(t.toPersonId).execute()).map((r) => r.field_id));
      const moving = from.filter((r) => r.value_cipher && !kept.has(r.field_id));
      const now = deps.clock.now().toISOString();
      if (moving.length > 0) {
        await trx
          .insertInto('custom_field_values')
          .values(
            moving.map((r) => {
              const value = deps.fieldCipher.decryptJson<CustomValue>(t.fromKey, r.value_cipher as Buffer, customValueBinding(t.workspaceId, r.field_id, t.fromPersonId));
              return { ...r, record_id: t.toPersonId, value_cipher: deps.fieldCipher.encryptJson(t.toKey, value, customValueBinding(t.workspaceId, r.field_id, t.toPersonId)), updated_at: now };
            }),
          )
          .execute();
        const fields = await trx.selectFrom('custom_fields').select('key').where('workspace_id', '=', t.workspaceId).where('id', 'in', moving.map((r) => r.field_id)).execute();
        const attributes = fields.map((f) => `custom.${f.key}`);
        const indexes = await trx
          .selectFrom('person_blind_indexes')
          .selectAll()
          .where('workspace_id', '=', t.workspaceId)
          .where('person_id', '=', t.fromPersonId)
          .where('field', 'in', attributes)
          .execute();
        if (indexes.length > 0) await trx.insertInto('person_blind_indexes').values(indexes.map((i) => ({ ...i, person_id: t.toPersonId }))).execute();
      }
      await trx.deleteFrom('custom_field_values').where('workspace_id', '=', t.workspaceId).where('entity', '=', 'person').where('record_id', '=', t.fromPersonId).execute();
      await trx.deleteFrom('person_blind_indexes').where('workspace_id', '=', t.workspaceId).where('person_id', '=', t.fromPersonId).where('field', 'like', 'custom.%').execute();
      if (moving.length > 0) {
        const set = await trx.selectFrom('custom_value_sets').select('version').where('workspace_id', '=', t.workspaceId).where('entity', '=', 'person').where('record_id', '=', t.toPersonId).executeTakeFirst();
        if (set) {
          await trx.updateTable('custom_value_sets').set({ version: set.version + 1, updated_at: now }).where('workspace_id', '=', t.workspaceId).where('entity', '=', 'person').where('record_id', '=', t.toPersonId).execute();
        } else {
          await trx.insertInto('custom_value_sets').values({ workspace_id: t.workspaceId, entity: 'person', record_id: t.toPersonId, version: 1, updated_at: now }).execute();
        }
      }
      await trx.deleteFrom('custom_value_sets').where('workspace_id', '=', t.workspaceId).where('entity', '=', 'person').where('record_id', '=', t.fromPersonId).execute();
      return moving.length;
    },
  };
}
