import type { PersonAttribute, PersonView } from '../../kernel/people/person-fields.ts';

/** Columns of a people export, in order (custom fields follow as `custom.<key>`). */
export const personExportColumns = [
  'id', 'firstName', 'lastName', 'email', 'phone', 'emails', 'phones', 'jobTitle', 'street', 'postalCode', 'city', 'region', 'country',
  'notes', 'organizationId', 'ownerUserId', 'lifecycleStage', 'tags', 'source', 'sourceDetail', 'obtainedAt', 'createdAt', 'updatedAt',
] as const;

/** The attribute an encrypted column comes from: the column is left out when the attribute is withheld. */
export const exportColumnAttribute = {
  firstName: 'firstName',
  lastName: 'lastName',
  email: 'email',
  phone: 'phone',
  emails: 'email',
  phones: 'phone',
  jobTitle: 'jobTitle',
  street: 'address',
  postalCode: 'address',
  city: 'address',
  region: 'address',
  country: 'address',
  notes: 'notes',
  sourceDetail: 'sourceDetail',
} as const satisfies Partial<Record<(typeof personExportColumns)[number], PersonAttribute>>;

/**
 * One person as a flat export row: several emails and phones as lists, the address split into its parts.
 *
 * @example
 * personExportRow(view); // { id, firstName: 'Ada', emails: ['ada@example.org'], city: 'London', tags: ['vip'], … }
 */
export function personExportRow(view: PersonView): Record<string, unknown> {
  return {
    id: view.id,
    firstName: view.firstName,
    lastName: view.lastName,
    email: view.email,
    phone: view.phone,
    emails: view.emails.map((e) => e.value),
    phones: view.phones.map((p) => p.value),
    jobTitle: view.jobTitle,
    street: view.address?.street ?? null,
    postalCode: view.address?.postalCode ?? null,
    city: view.address?.city ?? null,
    region: view.address?.region ?? null,
    country: view.address?.country ?? null,
    notes: view.notes,
    organizationId: view.organizationId,
    ownerUserId: view.ownerUserId,
    lifecycleStage: view.lifecycleStage,
    tags: view.tags,
    source: view.provenance.source,
    sourceDetail: view.provenance.sourceDetail,
    obtainedAt: view.provenance.obtainedAt,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}
