import type { NormaliserKind } from '../crypto/blind-index.ts';
import type { FieldBinding } from '../crypto/field-cipher.ts';

/** The personal attributes of a person (declared in the catalogue as `person.<attribute>`). */
export const personAttributes = ['firstName', 'lastName', 'email', 'phone'] as const;
export type PersonAttribute = (typeof personAttributes)[number];

/** Encrypted column of each attribute in `persons`. */
export const personColumns = {
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  phone: 'phone',
} as const satisfies Record<PersonAttribute, string>;
export type PersonColumn = (typeof personColumns)[PersonAttribute];

/** How an attribute is normalised for its blind index, when it is declared searchable. */
export const personNormalisers: Readonly<Record<PersonAttribute, NormaliserKind>> = {
  firstName: 'text',
  lastName: 'text',
  email: 'email',
  phone: 'phone',
};

/** Values of a person as given by a caller: a string, or null to remove it. */
export type PersonValues = { readonly [A in PersonAttribute]?: string | null };

/** A person as the API shows it: decrypted values, ids, times, version. */
export interface PersonView {
  readonly id: string;
  readonly pseudonym: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/**
 * What a person's value is bound to in its ciphertext (the field cipher's additional data).
 *
 * @example
 * fieldCipher.encrypt(key, 'Ada', personBinding(workspaceId, personId, 'firstName'));
 */
export function personBinding(workspaceId: string, personId: string, attribute: PersonAttribute): FieldBinding {
  return { workspaceId, table: 'persons', column: personColumns[attribute], rowId: personId };
}
