import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ActorContext, ProcessingContext } from '../../kernel/gate/processing-context.ts';

/**
 * Data subject requests (Art. 15-22): the shared vocabulary of the request inbox (src/rights/requests), the
 * fulfilment actions (src/rights/fulfilment), the privacy portal (src/rights/portal) and monitoring.
 */
export const requestTypes = [
  'access',
  'portability',
  'rectification',
  'erasure',
  'restriction',
  'objection',
  'consent_withdrawal',
] as const;
export type RequestType = (typeof requestTypes)[number];

/** The lifecycle. `completed`, `refused` and `cancelled` are final. */
export const requestStatuses = [
  'received',
  'identity_unverified',
  'verified',
  'in_progress',
  'awaiting_information',
  'extended',
  'completed',
  'refused',
  'cancelled',
] as const;
export type RequestStatus = (typeof requestStatuses)[number];
export const finalRequestStatuses: readonly RequestStatus[] = ['completed', 'refused', 'cancelled'];

/** How the request reached us. `portal` requests verify identity on the portal; the others are logged by staff. */
export const requestChannels = ['portal', 'email', 'phone', 'letter', 'in_person', 'api'] as const;
export type RequestChannel = (typeof requestChannels)[number];

/** How identity was checked (portal codes and links, or what staff record for phone and letter requests). */
export const identityMethods = ['email_code', 'email_link', 'phone_code', 'staff_known_contact', 'staff_document_check', 'staff_callback'] as const;
export type IdentityMethod = (typeof identityMethods)[number];

/** What the requester asked for, beyond the type. Encrypted at rest (it may hold personal data). */
export interface RequestDetails {
  /** Free text from the person. */
  readonly message?: string;
  /** Rectification: field name to the value the person says is right. */
  readonly rectification?: Readonly<Record<string, string>>;
  /** Objection, restriction, consent withdrawal: the purposes concerned (none = all that apply). */
  readonly purposes?: readonly string[];
}

/** A request as staff see it. */
export interface RequestView {
  readonly id: string;
  /** Short public reference the person quotes (e.g. `R-7K3M-Q2XD`); not guessable into other requests. */
  readonly reference: string;
  readonly type: RequestType;
  readonly status: RequestStatus;
  readonly channel: RequestChannel;
  /** The matched person, or null (no match yet, or nobody held). */
  readonly personId: string | null;
  readonly assigneeId: string | null;
  readonly language: string;
  readonly receivedAt: string;
  /** One calendar month from receipt (Art. 12(3)), or the extended date. */
  readonly dueAt: string;
  readonly extendedUntil: string | null;
  readonly extensionReason: string | null;
  readonly identityVerifiedAt: string | null;
  readonly identityMethod: IdentityMethod | null;
  readonly completedAt: string | null;
  readonly refusalReason: string | null;
  /** `on_track`, `due_soon` (7 days or less), `overdue`, or `closed`. */
  readonly sla: 'on_track' | 'due_soon' | 'overdue' | 'closed';
  readonly version: number;
}

/** What the portal may show the person about their own request (never another request's facts). */
export interface PortalRequestView {
  readonly reference: string;
  readonly type: RequestType;
  readonly status: RequestStatus;
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly extensionReason: string | null;
  readonly refusalReason: string | null;
  /** Art. 17(3) exceptions and what fulfilment wants the person told, as plain sentences. */
  readonly outcome: readonly string[];
  /** Whether a downloadable result (access or portability export) is stored. */
  readonly hasResult: boolean;
}

/** A stored result file (access or portability export), decrypted. */
export interface RequestResultFile {
  readonly filename: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** A step on the request's timeline (status change, note, identity check, fulfilment step, email sent). */
export interface RequestStepInput {
  readonly kind: string;
  /** Shown to staff; no personal data unless `personal` (then encrypted). */
  readonly summary: string;
  readonly personal?: boolean;
}

/**
 * The request service (implemented in src/rights/requests). Every method audits its step; `trx` is a transaction
 * the caller opened when several writes must land together.
 */
export interface RequestService {
  /**
   * Records a portal submission with status `identity_unverified`. Matches `email` against the people we hold
   * through the blind index (and records the match, never revealing it). A new submission always starts
   * unverified, even when an earlier one for the same person exists. Verified by SMS: no email, and `phone` (E.164)
   * is matched through the phone blind index instead (it is not stored on the request).
   */
  submitFromPortal(
    trx: Kysely<Database>,
    ctx: ActorContext,
    input: { readonly type: RequestType; readonly email?: string; readonly phone?: string; readonly language: string; readonly details?: RequestDetails },
  ): Promise<{ readonly id: string; readonly reference: string }>;
  /** Identity proven: `identity_unverified` -> `verified`. */
  markIdentityVerified(trx: Kysely<Database>, ctx: ActorContext, requestId: string, method: IdentityMethod): Promise<void>;
  /**
   * The requester's contact email, decrypted (for mails to the person, or staff reading the inbox); null once the
   * request is purged. The read goes through the gate under the built-in requests purpose (ADR 0034) and is audited
   * (`request.contact_read`) with the pseudonym of the person the request is linked to: as `reader` (a staff member),
   * or, without one, as the system mailing the requester.
   */
  contactOf(
    db: Kysely<Database>,
    workspaceId: string,
    requestId: string,
    reader?: ProcessingContext,
  ): Promise<{ readonly email: string; readonly language: string } | null>;
  get(db: Kysely<Database>, workspaceId: string, requestId: string): Promise<RequestView>;
  /** The request's details, decrypted. */
  detailsOf(db: Kysely<Database>, workspaceId: string, requestId: string): Promise<RequestDetails>;
  portalView(db: Kysely<Database>, workspaceId: string, requestId: string): Promise<PortalRequestView>;
  /** Moves the status (checked against the lifecycle), with a reason where the target needs one. */
  transition(trx: Kysely<Database>, ctx: ActorContext, requestId: string, to: RequestStatus, reason?: string): Promise<RequestView>;
  /** Adds a step to the timeline (and the audit log). */
  recordStep(trx: Kysely<Database>, ctx: ActorContext, requestId: string, step: RequestStepInput): Promise<void>;
  /** Adds a sentence the portal shows the person (e.g. an Art. 17(3) exception with its reason). */
  addOutcome(trx: Kysely<Database>, ctx: ActorContext, requestId: string, sentence: string): Promise<void>;
  /** Stores the result file encrypted; replaces an earlier one. */
  storeResult(trx: Kysely<Database>, ctx: ActorContext, requestId: string, file: RequestResultFile): Promise<void>;
  readResult(db: Kysely<Database>, workspaceId: string, requestId: string): Promise<RequestResultFile | null>;
  /** Links the request to a person (staff matched it by hand). */
  linkPerson(trx: Kysely<Database>, ctx: ActorContext, requestId: string, personId: string): Promise<void>;
}
