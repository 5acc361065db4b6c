import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { PersonReassigner } from '../merge/person-reassigners.ts';
import { activityBinding } from './activity-content.ts';

/**
 * Moves activities to the kept person of a merge: content keyed under the merged-away person is re-encrypted under the
 * kept person's key (same row binding, new key); links to the merged-away person point at the kept one (or are dropped
 * where the kept person is already linked). Idempotent.
 *
 * @example
 * personReassigners.register(createActivityReassigner(fieldCipher));
 */
export function createActivityReassigner(fieldCipher: FieldCipher): PersonReassigner {
  return {
    name: 'activities',
    async reassign(trx, t) {
      const rows = await trx
        .selectFrom('activities')
        .select(['id', 'subject_enc', 'body_enc'])
        .where('workspace_id', '=', t.workspaceId)
        .where('key_person_id', '=', t.fromPersonId)
        .execute();
      for (const row of rows) {
        const move = (envelope: Buffer | null, column: 'subject' | 'body') => {
          if (envelope === null) return null;
          const binding = activityBinding(t.workspaceId, row.id, column);
          return fieldCipher.encrypt(t.toKey, fieldCipher.decrypt(t.fromKey, envelope, binding), binding);
        };
        await trx
          .updateTable('activities')
          .set({ key_person_id: t.toPersonId, subject_enc: move(row.subject_enc, 'subject'), body_enc: move(row.body_enc, 'body') })
          .where('workspace_id', '=', t.workspaceId)
          .where('id', '=', row.id)
          .execute();
      }
      const links = await trx
        .selectFrom('activity_links')
        .select('activity_id')
        .where('workspace_id', '=', t.workspaceId)
        .where('entity', '=', 'person')
        .where('record_id', '=', t.fromPersonId)
        .execute();
      for (const { activity_id } of links) {
        const both = await trx
          .selectFrom('activity_links')
          .select('activity_id')
          .where('workspace_id', '=', t.workspaceId)
          .where('activity_id', '=', activity_id)
          .where('entity', '=', 'person')
          .where('record_id', '=', t.toPersonId)
          .executeTakeFirst();
        if (both) {
          await trx
            .deleteFrom('activity_links')
            .where('workspace_id', '=', t.workspaceId)
            .where('activity_id', '=', activity_id)
            .where('entity', '=', 'person')
            .where('record_id', '=', t.fromPersonId)
            .execute();
        } else {
          await trx
            .updateTable('activity_links')
            .set({ record_id: t.toPersonId })
            .where('workspace_id', '=', t.workspaceId)
            .where('activity_id', '=', activity_id)
            .where('entity', '=', 'person')
            .where('record_id', '=', t.fromPersonId)
            .execute();
        }
      }
      return rows.length + links.length;
    },
  };
}
