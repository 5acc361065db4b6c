import type { NormaliserKind } from '../crypto/blind-index.ts';
import type { FieldBinding } from '../crypto/field-cipher.ts';

/**
 * The personal attributes of a person stored encrypted in `persons` (declared in the catalogue as
 * `person.<attribute>`). `email` and `phone` are the primary ones; every email and phone, primary included, is also a
 * row of `person_contact_points`.
 */
export const personAttributes = ['firstName', 'lastName', 'email', 'phone', 'jobTitle', 'address', 'notes', 'sourceDetail'] as const;
export type PersonAttribute = (typeof personAttributes)[number];

/** Encrypted column of each attribute in `persons`. */
export const personColumns = {
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  phone: 'phone',
  jobTitle: 'job_title',
  address: 'address',
  notes: 'notes',
  sourceDetail: 'source_detail',
} as const satisfies Record<PersonAttribute, string>;
export type PersonColumn = (typeof personColumns)[PersonAttribute];

/** The attributes with an exact-match blind index (under the field of the same name), and their normaliser. */
export const personNormalisers = {
  email: 'email',
  phone: 'phone',
} as const satisfies Partial<Record<PersonAttribute, NormaliserKind>>;

/** Lifecycle stages of a contact (business data). */
export const lifecycleStages = ['lead', 'prospect', 'customer', 'former'] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

/** How personal data was obtained (Art. 14(2)(f), Art. 15(1)(g)). */
export const provenanceSources = ['provided', 'form', 'import', 'enrichment', 'event', 'referral'] as const;
export type ProvenanceSource = (typeof provenanceSources)[number];

/** Fields that may carry their own provenance: the attributes plus `emails` and `phones` as a whole. */
export const provenanceFields = ['firstName', 'lastName', 'emails', 'phones', 'jobTitle', 'address', 'notes'] as const;
export type ProvenanceField = (typeof provenanceFields)[number];

/** A postal address, encrypted as one value. `country` is ISO 3166-1 alpha-2. */
export interface PostalAddress {
  readonly street?: string | null;
  readonly city?: string | null;
  readonly postalCode?: string | null;
  readonly region?: string | null;
  readonly country?: string | null;
}

/** One email or phone as shown. */
export interface ContactPoint {
  readonly value: string;
  readonly label: string | null;
  readonly primary: boolean;
}

/** Where and when data was obtained. */
export interface Provenance {
  readonly source: ProvenanceSource;
  readonly sourceDetail: string | null;
  readonly obtainedAt: string | null;
  readonly importId: string | null;
}

/** A person as the API shows it: decrypted values, business columns, provenance, times, version. */
export interface PersonView {
  readonly id: string;
  readonly pseudonym: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  /** The primary email and phone. */
  readonly email: string | null;
  readonly phone: string | null;
  readonly emails: ContactPoint[];
  readonly phones: ContactPoint[];
  readonly jobTitle: string | null;
  readonly address: PostalAddress | null;
  readonly notes: string | null;
  readonly organizationId: string | null;
  readonly ownerUserId: string | null;
  readonly lifecycleStage: LifecycleStage | null;
  readonly tags: string[];
  /** Record-level provenance. */
  readonly provenance: Provenance;
  /** Fields whose provenance differs from the record's. */
  readonly fieldProvenance: (Provenance & { readonly field: ProvenanceField })[];
  /** Attributes the purpose or the role does not cover: shown as null, never decrypted. */
  readonly withheld: PersonAttribute[];
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
