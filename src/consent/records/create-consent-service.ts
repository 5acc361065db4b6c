import type { PrivacyEvents } from '../../kernel/events/privacy-events.ts';
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { FieldBinding, FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { DataKey, KeyService } from '../../kernel/crypto/key-service.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { purposeNeedsConsent } from '../../kernel/purposes/purpose-types.ts';
import { appendConsentEvent } from '../../kernel/standing/append-consent-event.ts';
import type { NoticeService } from '../notices/notice-service.ts';
import { addIsoDuration } from './add-iso-duration.ts';
import type { ConsentService } from './consent-service.ts';
import {
  consentStates,
  collectionMethods,
  type CollectionMethod,
  type ConsentEventView,
  type ConsentEvidence,
  type ConsentRecordView,
  type ConsentState,
} from './consent-types.ts';
import { truncateIp } from './truncate-ip.ts';

/** Methods through which the person saw a notice: a `given`/`renewed`/`requested` by them must name its version. */
const noticeMethods: readonly CollectionMethod[] = ['hosted_form', 'widget', 'api', 'email_confirmation', 'preference_centre'];
const grantingStates: readonly ConsentState[] = ['requested', 'given', 'renewed'];
const jurisdictionPattern = /^(?:[A-Z]{2}|EU|EEA)$/;
const evidenceKeys = ['formId', 'formVersion', 'textDigest', 'ip', 'userAgent', 'confirmationTokenId', 'gpc', 'channel', 'reference', 'pageUrl'] as const;

export function evidenceBinding(workspaceId: string, eventId: string): FieldBinding {
  return { workspaceId, table: 'consent_events', column: 'evidence', rowId: eventId };
}

type EventRow = Selectable<Database['consent_events']>;

function fieldError(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail: 'The consent is not valid', errors: [{ path, message }] });
}

/** Keeps only the known evidence fields, bounded in size; the IP truncated, the page URL without query or fragment. */
function cleanEvidence(evidence: ConsentEvidence | undefined): ConsentEvidence {
  const out: Record<string, unknown> = {};
  if (!evidence) return out;
  for (const key of evidenceKeys) {
    const value = evidence[key];
    if (value === undefined) continue;
    if (typeof value === 'string') out[key] = value.slice(0, 512);
    else out[key] = value;
  }
  out.ip = truncateIp(evidence.ip);
  if (typeof evidence.pageUrl === 'string') {
    try {
      const url = new URL(evidence.pageUrl);
      out.pageUrl = `${url.origin}${url.pathname}`;
    } catch {
      delete out.pageUrl;
    }
  }
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out as ConsentEvidence;
}

/**
 * @example
 * const consent = createConsentService({ dialect, clock, purposes, catalogue, keys, fieldCipher, notices });
 * await consent.record(db, ctx, { personId, purpose: 'email_marketing', state: 'given', method: 'api', noticeVersionId });
 */
export function createConsentService(deps: {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly purposes: Pick<PurposeRegister, 'find'>;
  readonly catalogue: Pick<Catalogue, 'categoryFacts'>;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly notices: Pick<NoticeService, 'get'>;
  readonly events?: PrivacyEvents;
}): ConsentService {
  const viewOf = (row: EventRow, key: DataKey | undefined): ConsentEventView => {
    let evidence: ConsentEvidence = {};
    if (row.evidence && key && row.event_id) {
      evidence = JSON.parse(deps.fieldCipher.decrypt(key, row.evidence, evidenceBinding(row.workspace_id, row.event_id))) as ConsentEvidence;
    }
    return {
      id: row.event_id ?? `legacy-${row.id}`,
      recordId: row.record_id ?? '',
      purpose: row.purpose_key,
      purposeVersion: row.purpose_version,
      state: row.state as ConsentState,
      method: row.method as CollectionMethod,
      noticeVersionId: row.notice_version,
      jurisdiction: row.jurisdiction ?? 'EU',
      language: row.language,
      explicit: Number(row.explicit) === 1,
      at: row.recorded_at,
      expiresAt: row.expires_at,
      recordedBy: { type: row.actor_type, id: row.actor_id },
      evidence,
    };
  };

  const keyOf = async (db: Kysely<Database>, workspaceId: string, personId: string) =>
    deps.keys.findDataKey(db, workspaceId, personId).catch(() => undefined);

  const record: ConsentService['record'] = async (db, ctx, input) => {
    if (!(consentStates as readonly string[]).includes(input.state)) throw fieldError('/state', 'unknown consent state');
    if (!(collectionMethods as readonly string[]).includes(input.method)) throw fieldError('/method', 'unknown collection method');
    if (input.jurisdiction !== undefined && !jurisdictionPattern.test(input.jurisdiction)) {
      throw fieldError('/jurisdiction', 'an ISO 3166-1 alpha-2 code, EU or EEA');
    }
    const person = await db
      .selectFrom('persons')
      .select(['id', 'pseudonym', 'erased_at'])
      .where('workspace_id', '=', ctx.workspaceId)
      .where('id', '=', input.personId)
      .executeTakeFirst();
    if (!person) throw new AppError('NOT_FOUND', { resource: 'person' });
    if (person.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
    const purpose = await deps.purposes.find(db, ctx.workspaceId, input.purpose);
    if (!purpose) throw new AppError('PURPOSE_UNKNOWN', { purpose: input.purpose });
    const categories = await deps.catalogue.categoryFacts(db, ctx.workspaceId, [...purpose.requiredCategories, ...purpose.optionalCategories]);
    const special = categories.some((c) => c.special);
    if (!purposeNeedsConsent(purpose, special)) {
      throw fieldError('/purpose', `purpose ${purpose.key} does not rely on consent; record an objection instead`);
    }
    const granting = grantingStates.includes(input.state);
    if (granting && special && input.state !== 'requested' && input.explicit !== true) {
      throw fieldError('/explicit', 'consent to special-category data must be explicit (Art. 9(2)(a))');
    }
    const noticeVersionId: string | null = input.noticeVersionId ?? null;
    if (noticeVersionId !== null) {
      const notice = await deps.notices.get(db, ctx.workspaceId, noticeVersionId).catch(() => undefined);
      if (!notice || notice.status === 'draft' || notice.purpose !== purpose.key) {
        throw fieldError('/noticeVersionId', 'not a published notice version of this purpose');
      }
    } else if (granting && noticeMethods.includes(input.method)) {
      throw fieldError('/noticeVersionId', 'consent collected from the person must name the notice version shown');
    }
    const now = deps.clock.now().toISOString();
    let expiresAt: string | null = null;
    if (input.validFor !== undefined) {
      if (!granting) throw fieldError('/validFor', 'only a given or renewed consent has a validity');
      expiresAt = addIsoDuration(now, input.validFor) ?? null;
      if (!expiresAt) throw fieldError('/validFor', 'an ISO 8601 duration such as P1Y or P6M');
    }
    if (input.language !== undefined && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(input.language)) {
      throw fieldError('/language', 'a BCP 47 language tag');
    }
    const evidence = cleanEvidence(input.evidence);
    const work = async (trx: Kysely<Database>): Promise<ConsentEventView> => {
      const eventId = randomUUID();
      const key = await deps.keys.getOrCreateDataKey(trx, ctx.workspaceId, input.personId);
      const envelope = Object.keys(evidence).length > 0 ? deps.fieldCipher.encrypt(key, JSON.stringify(evidence), evidenceBinding(ctx.workspaceId, eventId)) : null;
      const appended = await appendConsentEvent(trx, deps, ctx, {
        eventId,
        personId: input.personId,
        pseudonym: person.pseudonym,
        purpose,
        state: input.state,
        method: input.method,
        noticeVersionId,
        jurisdiction: input.jurisdiction ?? null,
        language: input.language ?? null,
        explicit: input.explicit === true,
        expiresAt,
        evidence: envelope,
        formId: evidence.formId ?? null,
      });
      return {
        id: eventId,
        recordId: appended.recordId,
        purpose: purpose.key,
        purposeVersion: purpose.version,
        state: input.state,
        method: input.method,
        noticeVersionId,
        jurisdiction: input.jurisdiction ?? 'EU',
        language: input.language ?? null,
        explicit: input.explicit === true,
        at: appended.at,
        expiresAt,
        recordedBy: { type: ctx.actor.type, id: ctx.actor.id },
        evidence,
      };
    };
    return db.isTransaction ? work(db) : db.transaction().execute(work);
  };

  return {
    record,

    async recordsOf(db, ctx, personId) {
      const person = await db.selectFrom('persons').select('erased_at').where('workspace_id', '=', ctx.workspaceId).where('id', '=', personId).executeTakeFirst();
      if (!person) throw new AppError('NOT_FOUND', { resource: 'person' });
      if (person.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
      const records = await db
        .selectFrom('consent_records')
        .selectAll()
        .where('workspace_id', '=', ctx.workspaceId)
        .where('person_id', '=', personId)
        .orderBy('purpose_key')
        .execute();
      const events = await db
        .selectFrom('consent_events')
        .selectAll()
        .where('workspace_id', '=', ctx.workspaceId)
        .where('person_id', '=', personId)
        .orderBy('id')
        .execute();
      const key = events.some((e) => e.evidence) ? await keyOf(db, ctx.workspaceId, personId) : undefined;
      const now = deps.clock.now().toISOString();
      const views: ConsentRecordView[] = records.map((r) => ({
        id: r.id,
        personId,
        purpose: r.purpose_key,
        state: r.state as ConsentState,
        validNow: (r.state === 'given' || r.state === 'renewed') && (r.expires_at === null || r.expires_at > now),
        expiresAt: r.expires_at,
        events: events.filter((e) => e.record_id === r.id).map((e) => viewOf(e, key)),
      }));
      // Events recorded before consent records existed form one record per purpose.
      const legacy = events.filter((e) => e.record_id === null);
      for (const purpose of [...new Set(legacy.map((e) => e.purpose_key))]) {
        const list = legacy.filter((e) => e.purpose_key === purpose).map((e) => viewOf(e, key));
        const last = list[list.length - 1]!;
        views.push({ id: `legacy-${purpose}`, personId, purpose, state: last.state, validNow: last.state === 'given', expiresAt: null, events: list });
      }
      return views;
    },

    async event(db, workspaceId, eventId) {
      const row = await db.selectFrom('consent_events').selectAll().where('workspace_id', '=', workspaceId).where('event_id', '=', eventId).executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', { resource: 'consent event' });
      return viewOf(row, await keyOf(db, workspaceId, row.person_id));
    },
  };
}
