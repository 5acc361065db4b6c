import type { FieldBinding } from '../../kernel/crypto/field-cipher.ts';

/**
 * What a person's custom value is bound to in its ciphertext: table `custom_field_values`, the field's id as the
 * column, the person as the row. A value copied to another field or person does not decrypt.
 *
 * @example
 * fieldCipher.encryptJson(key, 'gold', customValueBinding(workspaceId, fieldId, personId));
 */
export function customValueBinding(workspaceId: string, fieldId: string, personId: string): FieldBinding {
  return { workspaceId, table: 'custom_field_values', column: fieldId, rowId: personId };
}
