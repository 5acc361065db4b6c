import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { FieldCipher, FieldBinding } from '../../kernel/crypto/field-cipher.ts';
import type { DataKey, KeyService } from '../../kernel/crypto/key-service.ts';

/** The content of an activity, plain. */
export interface ActivityContent {
  readonly subject: string;
  readonly body: string | null;
}

/** The content columns of an activity row. */
export type SealedActivityContent = Pick<Database['activities'], 'subject_enc' | 'body_enc' | 'subject_text' | 'body_text'>;

/** What an activity's content is bound to in its ciphertext. */
export function activityBinding(workspaceId: string, activityId: string, column: 'subject' | 'body'): FieldBinding {
  return { workspaceId, table: 'activities', column, rowId: activityId };
}

/**
 * Encrypts and decrypts an activity's subject and body: under the key person's data key when the activity is about
 * people, as plain business data otherwise (ADR 0012). The caller has run the gate.
 *
 * @example
 * const content = activityContent({ keys, fieldCipher });
 * const columns = await content.seal(trx, workspaceId, id, keyPersonId, { subject: 'Call', body: null });
 * const plain = await content.open(trx, row);
 */
export function activityContent(deps: { readonly keys: KeyService; readonly fieldCipher: FieldCipher }) {
  const { fieldCipher } = deps;
  const sealWith = (key: DataKey, workspaceId: string, id: string, plain: ActivityContent): SealedActivityContent => ({
    subject_enc: fieldCipher.encrypt(key, plain.subject, activityBinding(workspaceId, id, 'subject')),
    body_enc: plain.body === null ? null : fieldCipher.encrypt(key, plain.body, activityBinding(workspaceId, id, 'body')),
    subject_text: null,
    body_text: null,
  });
  const openWith = (key: DataKey, row: Pick<Database['activities'], 'id' | 'workspace_id' | 'subject_enc' | 'body_enc'>): ActivityContent => ({
    subject: row.subject_enc ? fieldCipher.decrypt(key, row.subject_enc, activityBinding(row.workspace_id, row.id, 'subject')) : '',
    body: row.body_enc ? fieldCipher.decrypt(key, row.body_enc, activityBinding(row.workspace_id, row.id, 'body')) : null,
  });
  return {
    sealWith,
    openWith,
    async seal(trx: Kysely<Database>, workspaceId: string, id: string, keyPersonId: string | null, plain: ActivityContent): Promise<SealedActivityContent> {
      if (keyPersonId === null) return { subject_enc: null, body_enc: null, subject_text: plain.subject, body_text: plain.body };
      return sealWith(await deps.keys.getOrCreateDataKey(trx, workspaceId, keyPersonId), workspaceId, id, plain);
    },
    async open(trx: Kysely<Database>, row: Database['activities']): Promise<ActivityContent> {
      if (row.key_person_id === null) return { subject: row.subject_text ?? '', body: row.body_text };
      return openWith(await deps.keys.getDataKey(trx, row.workspace_id, row.key_person_id), row);
    },
  };
}

export type ActivityContentCipher = ReturnType<typeof activityContent>;
