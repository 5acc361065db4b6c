import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import type { ActorContext } from '../gate/processing-context.ts';
import type { PurposeRecord } from '../purposes/purpose-types.ts';
import type { ConsentEventState } from './standing-types.ts';
import type { PrivacyEvents } from '../events/privacy-events.ts';

/** One consent event to append. Evidence arrives already encrypted (the consent area binds it to `eventId`). */
export interface ConsentEventInput {
  readonly eventId?: string;
  readonly personId: string;
  readonly pseudonym: string | null;
  readonly purpose: PurposeRecord;
  readonly state: ConsentEventState;
  readonly method: string;
  readonly noticeVersionId: string | null;
  readonly jurisdiction: string | null;
  readonly language: string | null;
  readonly explicit: boolean;
  readonly expiresAt: string | null;
  readonly evidence: Buffer | null;
  /** Form the consent came through, when any. */
  readonly formId?: string | null;
}

export interface AppendedConsentEvent {
  readonly id: number;
  readonly eventId: string;
  readonly recordId: string;
  readonly at: string;
}

/**
 * The one writer of consent: appends the event to `consent_events` (which the gate reads), creates or moves the
 * person's consent record for the purpose (`consent_records`), and writes the audit entry (`consent.<state>`, with
 * pseudonym, purpose, method, notice version and event id: never the evidence). Runs in the caller's transaction; tells `deps.events` (`consent.changed`).
 *
 * @example
 * await appendConsentEvent(trx, { dialect, clock }, ctx, { personId, pseudonym, purpose, state: 'given', method: 'api', … });
 */
export async function appendConsentEvent(
  trx: Kysely<Database>,
  deps: { readonly dialect: DialectName; readonly clock: Clock; readonly events?: PrivacyEvents | undefined },
  ctx: ActorContext,
  input: ConsentEventInput,
): Promise<AppendedConsentEvent> {
  const at = deps.clock.now().toISOString();
  const eventId = input.eventId ?? randomUUID();
  const existing = await trx
    .selectFrom('consent_records')
    .select('id')
    .where('workspace_id', '=', ctx.workspaceId)
    .where('person_id', '=', input.personId)
    .where('purpose_key', '=', input.purpose.key)
    .executeTakeFirst();
  const recordId = existing?.id ?? randomUUID();
  const jurisdiction = input.jurisdiction ?? 'EU';
  if (existing) {
    await trx
      .updateTable('consent_records')
      .set({
        state: input.state,
        method: input.method,
        notice_version_id: input.noticeVersionId,
        jurisdiction,
        updated_at: at,
        expires_at: input.expiresAt,
        ...(input.expiresAt ? { renewal_reminded_at: null } : {}),
      })
      .where('id', '=', recordId)
      .execute();
  } else {
    await trx
      .insertInto('consent_records')
      .values({
        id: recordId,
        workspace_id: ctx.workspaceId,
        person_id: input.personId,
        purpose_key: input.purpose.key,
        state: input.state,
        method: input.method,
        notice_version_id: input.noticeVersionId,
        jurisdiction,
        first_at: at,
        updated_at: at,
        expires_at: input.expiresAt,
        renewal_reminded_at: null,
      })
      .execute();
  }
  const inserted = await trx
    .insertInto('consent_events')
    .values({
      workspace_id: ctx.workspaceId,
      person_id: input.personId,
      purpose_key: input.purpose.key,
      purpose_version: input.purpose.version,
      state: input.state,
      method: input.method,
      notice_version: input.noticeVersionId,
      recorded_at: at,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      event_id: eventId,
      record_id: recordId,
      jurisdiction,
      language: input.language,
      explicit: input.explicit ? 1 : 0,
      expires_at: input.expiresAt,
      evidence: input.evidence,
      form_id: input.formId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await appendAudit(trx, deps, {
    workspaceId: ctx.workspaceId,
    actor: ctx.actor,
    action: `consent.${input.state}`,
    outcome: 'allowed',
    resourceType: 'consent',
    resourceId: eventId,
    subjectPseudonym: input.pseudonym,
    purpose: input.purpose.key,
    requestId: ctx.requestId ?? null,
    ip: ctx.ip ?? null,
    details: {
      method: input.method,
      purposeVersion: input.purpose.version,
      noticeVersion: input.noticeVersionId,
      recordId,
      jurisdiction,
      explicit: input.explicit,
      expiresAt: input.expiresAt,
    },
  });
  await deps.events?.emit(trx, {
    type: 'consent.changed',
    workspaceId: ctx.workspaceId,
    subjectPseudonym: input.pseudonym,
    data: { purpose: input.purpose.key, state: input.state, method: input.method, eventId, recordId, recordedAt: at },
  });
  return { id: Number(inserted.id), eventId, recordId, at };
}
