/** States staff record through the standing API (the consent area records the full DPV set). */
export const consentEventStates = ['given', 'withdrawn'] as const;

/**
 * Consent states after the W3C Data Privacy Vocabulary (dpv:ConsentStatus) that Custodian records (append-only; the
 * latest event per person and purpose is the current state). Only `given` and `renewed`, not past their expiry,
 * let the gate through.
 */
export const consentStates = ['requested', 'given', 'renewed', 'refused', 'withdrawn', 'revoked', 'expired', 'invalidated'] as const;
export type ConsentEventState = (typeof consentStates)[number];

/** Current consent of a person for a purpose as the gate sees it: `renewed` reads as `given`, a lapsed one as `expired`, `none` when nothing was ever recorded. */
export type ConsentStatus = Exclude<ConsentEventState, 'renewed'> | 'none';

/** Outcome of an Art. 21 objection: `pending` while the controller weighs it. */
export const objectionOutcomes = ['pending', 'upheld', 'rejected'] as const;
export type ObjectionOutcome = (typeof objectionOutcomes)[number];

/** Grounds of an Art. 18(1) restriction, (a)–(d). */
export const restrictionReasons = [
  'accuracy_contested',
  'unlawful_processing',
  'legal_claims',
  'objection_pending',
] as const;
export type RestrictionReason = (typeof restrictionReasons)[number];

/** How a consent was collected (evidence of Art. 7(1)). */
export const consentMethods = ['web_form', 'email', 'phone', 'paper', 'in_person', 'api', 'import'] as const;
export type ConsentMethod = (typeof consentMethods)[number];

/** A person's standing for one purpose, as the gate reads it. */
export interface PurposeStanding {
  readonly personId: string;
  /** Latest consent event for the purpose, or `none`. */
  readonly consent: ConsentStatus;
  /** Latest objection to the purpose, or null. */
  readonly objection: ObjectionOutcome | null;
  /** Whether processing of the person is restricted (Art. 18) right now. */
  readonly restricted: boolean;
}
