import type { RequestBody, Success } from '../../api/api-types.ts';

/** A purpose (current version) as `GET /purposes` lists it. */
export type Purpose = Success<'/api/v1/purposes', 'get'>['items'][number];

/** One version of a purpose from its history. */
export type PurposeVersion = Success<'/api/v1/purposes/{key}/versions', 'get'>['items'][number];

/** A data category as the catalogue lists it (for the category pickers). */
export type Category = Success<'/api/v1/catalogue/categories', 'get'>['items'][number];

export type NewPurpose = RequestBody<'/api/v1/purposes', 'post'>;
export type PurposePatch = RequestBody<'/api/v1/purposes/{key}', 'patch'>;
export type LawfulBasis = Purpose['lawfulBasis'];
export type Art9Condition = NonNullable<Purpose['art9Condition']>;

/** Cache key of the purpose list; invalidated after any change. */
export const purposesQueryKey = ['purposes'] as const;

/** Art. 6(1) bases with their letter, in the order of the article. */
export const lawfulBasisLabels: Record<LawfulBasis, string> = {
  consent: '6(1)(a) Consent',
  contract: '6(1)(b) Contract',
  legal_obligation: '6(1)(c) Legal obligation',
  vital_interests: '6(1)(d) Vital interests',
  public_task: '6(1)(e) Public task',
  legitimate_interests: '6(1)(f) Legitimate interests',
};

/** Art. 9(2) conditions with their letter. */
export const art9ConditionLabels: Record<Art9Condition, string> = {
  explicit_consent: '9(2)(a) Explicit consent',
  employment_social_security: '9(2)(b) Employment and social security',
  vital_interests_incapable: '9(2)(c) Vital interests, subject incapable',
  not_for_profit_members: '9(2)(d) Not-for-profit body, members',
  manifestly_public: '9(2)(e) Made manifestly public',
  legal_claims: '9(2)(f) Legal claims',
  substantial_public_interest: '9(2)(g) Substantial public interest',
  health_social_care: '9(2)(h) Health or social care',
  public_health: '9(2)(i) Public health',
  archiving_research_statistics: '9(2)(j) Archiving, research, statistics',
};
