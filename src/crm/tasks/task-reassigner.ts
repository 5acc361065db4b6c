import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { PersonReassigner } from '../merge/person-reassigners.ts';
import { taskBinding } from './tasks-service.ts';

/**
 * Moves the tasks about the merged-away person to the kept one, re-encrypting each title under the kept person's key.
 * Idempotent.
 *
 * @example
 * personReassigners.register(createTaskReassigner(fieldCipher));
 */
export function createTaskReassigner(fieldCipher: FieldCipher): PersonReassigner {
  return {
    name: 'tasks',
    async reassign(trx, t) {
      const rows = await trx
        .selectFrom('tasks')
        .select(['id', 'title_enc'])
        .where('workspace_id', '=', t.workspaceId)
        .where('linked_entity', '=', 'person')
        .where('linked_id', '=', t.fromPersonId)
        .execute();
      for (const row of rows) {
        const binding = taskBinding(t.workspaceId, row.id);
        const title = row.title_enc ? fieldCipher.encrypt(t.toKey, fieldCipher.decrypt(t.fromKey, row.title_enc, binding), binding) : null;
        await trx
          .updateTable('tasks')
          .set({ linked_id: t.toPersonId, title_enc: title })
          .where('workspace_id', '=', t.workspaceId)
          .where('id', '=', row.id)
          .execute();
      }
      return rows.length;
    },
  };
}
