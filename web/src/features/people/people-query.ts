import type { RequestBody, Success } from '../../api/api-types.ts';

/** A person as the API returns them (values decrypted under the request's purpose). */
export type Person = Success<'/api/v1/people/{id}', 'get'>;
export type NewPerson = RequestBody<'/api/v1/people', 'post'>;
export type PersonPatch = RequestBody<'/api/v1/people/{id}', 'patch'>;
export type ContactPoint = Person['emails'][number];
export type LifecycleStage = NonNullable<Person['lifecycleStage']>;
export type ProvenanceSource = NonNullable<NewPerson['provenance']>['source'];
export type Rectification = Success<'/api/v1/people/{id}/rectifications', 'get'>['items'][number];
/** A person's standing: restriction in force and, per purpose, basis, consent and objection. */
export type Standing = Success<'/api/v1/people/{id}/standing', 'get'>;
export type PurposeStanding = Standing['purposes'][number];
export type RestrictionReason = RequestBody<'/api/v1/people/{id}/restriction', 'put'>['reason'];
export type ConsentMethod = RequestBody<'/api/v1/people/{id}/consents', 'post'>['method'];
export type Purpose = Success<'/api/v1/purposes', 'get'>['items'][number];
export type Attribute = Success<'/api/v1/catalogue/attributes', 'get'>['items'][number];
export type Certificate = Success<'/api/v1/people/{id}', 'delete'>;

/** Cache key of everything about people (lists and persons); the purpose is part of each key. */
export const peopleQueryKey = ['people'] as const;

/** The response header that names the purpose the server applied. */
export const purposeHeader = 'Custodian-Purpose';

/**
 * Request headers for a call on personal data: the chosen purpose, or none to let the server apply the role's default.
 *
 * @example
 * api.GET('/api/v1/people/{id}', { params: { path: { id } }, headers: purposeHeaders('crm') });
 */
export function purposeHeaders(purpose: string | null): Record<string, string> {
  return purpose ? { [purposeHeader]: purpose } : {};
}

/**
 * The body of a call on personal data together with the purpose the server applied (echoed in the response header).
 *
 * @example
 * const { data, appliedPurpose } = await withAppliedPurpose(api.GET('/api/v1/people', { headers }));
 */
export async function withAppliedPurpose<T>(
  call: Promise<{ data?: T; response: Response }>,
): Promise<{ data: T; appliedPurpose: string | null }> {
  const { data, response } = await call;
  return { data: data as T, appliedPurpose: response.headers.get(purposeHeader) };
}

/** The `If-Match` header of the version read. */
export function ifMatch(version: number): { 'if-match': string } {
  return { 'if-match': `"${version}"` };
}

export const lifecycleStageLabels: Record<LifecycleStage, string> = {
  lead: 'Lead',
  prospect: 'Prospect',
  customer: 'Customer',
  former: 'Former customer',
};

/** Where the data came from (Art. 14(2)(f)). */
export const provenanceSourceLabels: Record<ProvenanceSource, string> = {
  provided: 'Provided by the person',
  form: 'Web form',
  import: 'Import file',
  enrichment: 'Enrichment',
  event: 'Event',
  referral: 'Referral',
};

/** Display name of a person, or a neutral placeholder when no name is held. */
export function displayName(person: Pick<Person, 'firstName' | 'lastName'>): string {
  return [person.firstName, person.lastName].filter(Boolean).join(' ') || 'Unnamed person';
}

/** Whether a purpose's category prefix covers a category key (`user.contact` covers `user.contact.email`). */
export function covers(prefix: string, category: string): boolean {
  return category === prefix || category.startsWith(`${prefix}.`);
}

/** Art. 18(1) grounds, (a)–(d). */
export const restrictionReasonLabels: Record<RestrictionReason, string> = {
  accuracy_contested: '18(1)(a) Accuracy contested',
  unlawful_processing: '18(1)(b) Unlawful processing, erasure opposed',
  legal_claims: '18(1)(c) Needed for legal claims',
  objection_pending: '18(1)(d) Objection pending',
};

export const consentMethodLabels: Record<ConsentMethod, string> = {
  web_form: 'Web form',
  email: 'Email',
  phone: 'Phone',
  paper: 'Paper',
  in_person: 'In person',
  api: 'API',
  import: 'Import',
};

export const lawfulBasisLabels: Record<PurposeStanding['lawfulBasis'], string> = {
  consent: 'Consent',
  contract: 'Contract',
  legal_obligation: 'Legal obligation',
  vital_interests: 'Vital interests',
  public_task: 'Public task',
  legitimate_interests: 'Legitimate interests',
};
