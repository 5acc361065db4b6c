import { consentStates, type ConsentEventState } from '../../kernel/standing/standing-types.ts';

/** Consent states after the W3C Data Privacy Vocabulary (the kernel's list). */
export { consentStates };
export type ConsentState = ConsentEventState;

/** States under which processing that relies on consent may go on. */
export const consentValidStates: readonly ConsentState[] = ['given', 'renewed'];

/** How a consent event was collected (ISO/IEC TS 27560 "collection method"). */
export const collectionMethods = [
  'hosted_form',
  'widget',
  'api',
  'import',
  'staff_recorded',
  'email_confirmation',
  'preference_centre',
  'unsubscribe_link',
  'gpc_signal',
  'system',
] as const;
export type CollectionMethod = (typeof collectionMethods)[number];

/**
 * Evidence of one consent event. Held encrypted under the person's data key (it is about them); `ip` is stored
 * truncated (IPv4 /24, IPv6 /48) whatever the caller gives.
 */
export interface ConsentEvidence {
  /** Form (and its version) the person used. */
  readonly formId?: string | undefined;
  readonly formVersion?: number | undefined;
  /** SHA-256 hex of the exact text shown next to the checkbox (label + notice link text). */
  readonly textDigest?: string | undefined;
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
  /** Id of the double opt-in token that confirmed it (never the token itself). */
  readonly confirmationTokenId?: string | undefined;
  /** `Sec-GPC: 1` was present. */
  readonly gpc?: boolean | undefined;
  /** For staff-recorded consents: how it was obtained (`call`, `letter`, `in_person`) and a reference. */
  readonly channel?: string | undefined;
  readonly reference?: string | undefined;
  /** Page the widget was on (origin + path, no query string). */
  readonly pageUrl?: string | undefined;
}

/** What a caller records. */
export interface RecordConsentInput {
  readonly personId: string;
  /** Purpose key; must rely on consent (or be flagged for GPC, for `refused` by `gpc_signal`). */
  readonly purpose: string;
  readonly state: ConsentState;
  readonly method: CollectionMethod;
  /** Published notice version shown (`notice_versions.id`); required for `given`/`renewed` by a form, widget or API. */
  readonly noticeVersionId?: string | null | undefined;
  readonly evidence?: ConsentEvidence | undefined;
  /** ISO 3166-1 alpha-2 (or `EU`); default: the workspace regime's. */
  readonly jurisdiction?: string | undefined;
  /** ISO 8601 duration of validity from now (default: the purpose's consent validity setting, else none). */
  readonly validFor?: string | undefined;
  /** BCP 47 language the person saw. */
  readonly language?: string | undefined;
  /** Special-category consent must be explicit (Art. 9(2)(a)): the form said so in words. */
  readonly explicit?: boolean | undefined;
}

/** One event of a consent record, as shown to staff and to the person. */
export interface ConsentEventView {
  readonly id: string;
  readonly recordId: string;
  readonly purpose: string;
  readonly purposeVersion: number;
  readonly state: ConsentState;
  readonly method: CollectionMethod;
  readonly noticeVersionId: string | null;
  readonly jurisdiction: string;
  readonly language: string | null;
  readonly explicit: boolean;
  readonly at: string;
  readonly expiresAt: string | null;
  readonly recordedBy: { readonly type: string; readonly id: string | null };
  /** Decrypted evidence (only through the consent service, which runs the gate or the person's own token). */
  readonly evidence: ConsentEvidence;
}

/** A consent record (ISO/IEC TS 27560): one per person and purpose, its current state and its event history. */
export interface ConsentRecordView {
  readonly id: string;
  readonly personId: string;
  readonly purpose: string;
  readonly state: ConsentState;
  readonly validNow: boolean;
  readonly expiresAt: string | null;
  readonly events: readonly ConsentEventView[];
}
