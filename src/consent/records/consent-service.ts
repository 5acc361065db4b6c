import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { ConsentEventView, ConsentRecordView, RecordConsentInput } from './consent-types.ts';

/**
 * Consent records (ISO/IEC TS 27560): the one way consent is recorded. Every event is appended to the person's
 * record for the purpose, audited (pseudonym, purpose, state, method: never the evidence), and read by the processing
 * gate at once (`consent_events`, latest per person and purpose; `given`/`renewed` and not expired let it through).
 */
export interface ConsentService {
  /**
   * Appends an event (in `trx` when given, else its own transaction). Refuses with `VALIDATION_FAILED` a purpose that
   * does not rely on consent, a `given` from a form/widget/API without a published notice version of that purpose,
   * special-category consent that is not `explicit`; `GONE` for an erased person.
   */
  record(db: Kysely<Database>, ctx: ActorContext, input: RecordConsentInput): Promise<ConsentEventView>;
  /** Every record of a person with its events and decrypted evidence (staff: the caller checked `privacy:read`). */
  recordsOf(db: Kysely<Database>, ctx: ActorContext, personId: string): Promise<ConsentRecordView[]>;
  /** One event, for receipts and verification. */
  event(db: Kysely<Database>, workspaceId: string, eventId: string): Promise<ConsentEventView>;
}
