/** Lawful bases of GDPR Art. 6(1)(a)–(f), in the order of the article. */
export const lawfulBases = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;
export type LawfulBasis = (typeof lawfulBases)[number];

/** Conditions of GDPR Art. 9(2)(a)–(j) for special-category data. */
export const art9Conditions = [
  'explicit_consent',
  'employment_social_security',
  'vital_interests_incapable',
  'not_for_profit_members',
  'manifestly_public',
  'legal_claims',
  'substantial_public_interest',
  'health_social_care',
  'public_health',
  'archiving_research_statistics',
] as const;
export type Art9Condition = (typeof art9Conditions)[number];

/** One version of a purpose in the register: what may be processed, why, and on which basis. */
export interface PurposeRecord {
  /** Stable machine key (`crm`, `email_marketing`), referenced by roles and tokens. */
  readonly key: string;
  /** Version number, from 1; every change adds one. */
  readonly version: number;
  readonly name: string;
  readonly description: string;
  /** Art. 6(1) basis. */
  readonly lawfulBasis: LawfulBasis;
  /** Art. 9(2) condition; required when a category of the purpose is special. */
  readonly art9Condition: Art9Condition | null;
  /** Legitimate-interest assessment (purpose, necessity, balancing); required for `legitimate_interests`. */
  readonly legitimateInterestAssessment: string | null;
  /** Category key prefixes the purpose needs. */
  readonly requiredCategories: readonly string[];
  /** Category key prefixes the purpose may use as well. */
  readonly optionalCategories: readonly string[];
  /** Default retention, ISO 8601 duration (`P3Y`, `P90D`). */
  readonly retention: string;
  /** Recipients or categories of recipients (Art. 13(1)(e)). */
  readonly recipients: readonly string[];
  /** Whether processing may run under it now. */
  readonly active: boolean;
  /** Direct marketing: an objection (Art. 21(2)) stops it at once, without balancing. */
  readonly directMarketing: boolean;
  /** Establishing, exercising or defending legal claims: continues for restricted persons (Art. 18(2)). */
  readonly legalClaims: boolean;
  /**
   * The built-in `data_subject_requests` purpose (ADR 0034): it answers a person's own request (Arts. 12-22), even
   * when they are restricted or objected; it cannot be deactivated and the gate admits it only while answering a request.
   */
  readonly answersRequests: boolean;
  readonly updatedAt: string;
}

/** Whether processing under `purpose` needs the person's current consent (Art. 6(1)(a), or 9(2)(a) for special data). */
export function purposeNeedsConsent(purpose: PurposeRecord, touchesSpecial: boolean): boolean {
  return (
    purpose.lawfulBasis === 'consent' || (touchesSpecial && purpose.art9Condition === 'explicit_consent')
  );
}
