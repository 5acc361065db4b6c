import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { appendConsentEvent } from './append-consent-event.ts';
import type { PrivacyEvents, PrivacyEventType } from '../events/privacy-events.ts';
import type { Clock } from '../clock.ts';
import type { PseudonymLookup } from '../gate/create-gate.ts';
import type { ActorContext } from '../gate/processing-context.ts';
import type { PurposeRegister } from '../purposes/purpose-register.ts';
import { purposeNeedsConsent, type LawfulBasis, type PurposeRecord } from '../purposes/purpose-types.ts';
import type {
  ConsentEventState,
  ConsentMethod,
  ObjectionOutcome,
  RestrictionReason,
} from './standing-types.ts';

/**
 * Whether a person exists in the workspace (provided by the people area; before it exists, ids are format-checked).
 * `'erased'` answers 410: nothing new may be recorded about a person who was forgotten.
 */
export type PersonExists = (
  db: Kysely<Database>,
  workspaceId: string,
  personId: string,
) => Promise<boolean | 'erased'>;

export interface ConsentRecord {
  readonly id: number;
  readonly purpose: string;
  readonly purposeVersion: number;
  readonly state: ConsentEventState;
  /** A staff method (`ConsentMethod`) or a consent-area collection method. */
  readonly method: string;
  readonly noticeVersion: string | null;
  readonly recordedAt: string;
}

export interface ObjectionRecord {
  readonly id: string;
  readonly purpose: string;
  readonly objectedAt: string;
  readonly outcome: ObjectionOutcome;
  readonly decidedAt: string | null;
}

export interface RestrictionRecord {
  readonly id: string;
  readonly reason: RestrictionReason;
  readonly restrictedAt: string;
  readonly liftedAt: string | null;
}

/** A person's standing for one purpose, as shown to staff. */
export interface PurposeStandingView {
  readonly purpose: string;
  readonly name: string;
  readonly lawfulBasis: LawfulBasis;
  readonly active: boolean;
  /** Whether the purpose relies on the person's consent. */
  readonly consentRequired: boolean;
  /** Latest consent event, or null. */
  readonly consent: ConsentRecord | null;
  /** The objection in force (upheld, else pending, else the latest rejected), or null. */
  readonly objection: ObjectionRecord | null;
}

export interface PersonStanding {
  readonly personId: string;
  /** The restriction in force, or null. */
  readonly restriction: RestrictionRecord | null;
  readonly purposes: readonly PurposeStandingView[];
}

export interface StandingDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly purposes: PurposeRegister;
  readonly pseudonymsOf?: PseudonymLookup;
  readonly personExists?: PersonExists;
  /**
   * Called in the transaction that upholds an objection (at once for direct marketing, or when staff decide), so
   * that the people area writes the person's suppression entries.
   */
  readonly onObjectionUpheld?: (trx: Kysely<Database>, workspaceId: string, personId: string) => Promise<void>;
  /** Told about consent events, objections and restrictions (webhooks, monitoring). */
  readonly events?: PrivacyEvents;
}

export interface StandingService {
  recordConsent(
    db: Kysely<Database>,
    ctx: ActorContext,
    personId: string,
    input: {
      purpose: string;
      state: ConsentEventState;
      method: ConsentMethod;
      noticeVersion?: string | null;
    },
  ): Promise<ConsentRecord>;
  raiseObjection(
    db: Kysely<Database>,
    ctx: ActorContext,
    personId: string,
    input: { purpose: string },
  ): Promise<ObjectionRecord>;
  decideObjection(
    db: Kysely<Database>,
    ctx: ActorContext,
    personId: string,
    objectionId: string,
    outcome: Exclude<ObjectionOutcome, 'pending'>,
  ): Promise<ObjectionRecord>;
  restrict(
    db: Kysely<Database>,
    ctx: ActorContext,
    personId: string,
    reason: RestrictionReason,
  ): Promise<RestrictionRecord>;
  liftRestriction(db: Kysely<Database>, ctx: ActorContext, personId: string): Promise<RestrictionRecord>;
  standingOf(db: Kysely<Database>, ctx: ActorContext, personId: string): Promise<PersonStanding>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Bases a person may object to under Art. 21(1); direct marketing (21(2)) whatever its basis. */
const objectableBases: readonly LawfulBasis[] = ['legitimate_interests', 'public_task'];

function fieldError(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', {
    detail: `${path.slice(1)}: ${message}`,
    errors: [{ path, message }],
  });
}

const objectionRank = { upheld: 2, pending: 1, rejected: 0 } as const;

/**
 * A person's standing per purpose: consent events (append-only), Art. 21 objections and Art. 18 restrictions, each
 * change audited under the person's pseudonym.
 *
 * @example
 * const standing = createStandingService({ dialect: db.dialect, clock, purposes });
 * await standing.recordConsent(db.kysely, ctx, personId, { purpose: 'email_marketing', state: 'given', method: 'web_form' });
 */
export function createStandingService(deps: StandingDeps): StandingService {
  async function assertPerson(db: Kysely<Database>, workspaceId: string, personId: string): Promise<void> {
    if (!uuidPattern.test(personId)) throw new AppError('NOT_FOUND', { resource: 'person' });
    const known = deps.personExists ? await deps.personExists(db, workspaceId, personId) : true;
    if (known === 'erased') throw new AppError('GONE', { resource: 'person' });
    if (!known) throw new AppError('NOT_FOUND', { resource: 'person' });
  }

  async function purposeOrThrow(
    db: Kysely<Database>,
    workspaceId: string,
    key: string,
  ): Promise<PurposeRecord> {
    const purpose = await deps.purposes.find(db, workspaceId, key);
    if (!purpose) throw new AppError('PURPOSE_UNKNOWN', { purpose: key });
    return purpose;
  }

  async function audit(
    trx: Kysely<Database>,
    ctx: ActorContext,
    personId: string,
    entry: { action: string; purpose?: string | null; details?: Record<string, unknown>; event?: PrivacyEventType },
  ): Promise<void> {
    const pseudonyms = deps.pseudonymsOf
      ? await deps.pseudonymsOf(trx, ctx.workspaceId, [personId])
      : undefined;
    if (entry.event) {
      await deps.events?.emit(trx, {
        type: entry.event,
        workspaceId: ctx.workspaceId,
        subjectPseudonym: pseudonyms?.get(personId) ?? null,
        data: { ...(entry.purpose ? { purpose: entry.purpose } : {}), ...entry.details },
      });
    }
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action: entry.action,
      outcome: 'allowed',
      resourceType: 'person',
      resourceId: null,
      subjectPseudonym: pseudonyms?.get(personId) ?? null,
      purpose: entry.purpose ?? null,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: entry.details ?? {},
    });
  }

  async function objectionsOf(
    db: Kysely<Database>,
    workspaceId: string,
    personId: string,
  ): Promise<ObjectionRecord[]> {
    const rows = await db
      .selectFrom('objections')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('person_id', '=', personId)
      .orderBy('objected_at', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      purpose: r.purpose_key,
      objectedAt: r.objected_at,
      outcome: r.outcome as ObjectionOutcome,
      decidedAt: r.decided_at,
    }));
  }

  async function activeRestriction(db: Kysely<Database>, workspaceId: string, personId: string) {
    const row = await db
      .selectFrom('restrictions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('person_id', '=', personId)
      .where('lifted_at', 'is', null)
      .executeTakeFirst();
    return row
      ? {
          id: row.id,
          reason: row.reason as RestrictionReason,
          restrictedAt: row.restricted_at,
          liftedAt: row.lifted_at,
        }
      : null;
  }

  return {
    async recordConsent(db, ctx, personId, input) {
      await assertPerson(db, ctx.workspaceId, personId);
      const purpose = await purposeOrThrow(db, ctx.workspaceId, input.purpose);
      if (!purposeNeedsConsent(purpose, true)) {
        throw fieldError(
          '/purpose',
          `purpose ${purpose.key} does not rely on consent; record an objection instead`,
        );
      }
      return db.transaction().execute(async (trx) => {
        const pseudonyms = deps.pseudonymsOf ? await deps.pseudonymsOf(trx, ctx.workspaceId, [personId]) : undefined;
        const appended = await appendConsentEvent(trx, deps, ctx, {
          personId,
          pseudonym: pseudonyms?.get(personId) ?? null,
          purpose,
          state: input.state,
          method: input.method,
          noticeVersionId: input.noticeVersion ?? null,
          jurisdiction: null,
          language: null,
          explicit: false,
          expiresAt: null,
          evidence: null,
        });
        return {
          id: appended.id,
          purpose: purpose.key,
          purposeVersion: purpose.version,
          state: input.state,
          method: input.method,
          noticeVersion: input.noticeVersion ?? null,
          recordedAt: appended.at,
        };
      });
    },

    async raiseObjection(db, ctx, personId, input) {
      await assertPerson(db, ctx.workspaceId, personId);
      const purpose = await purposeOrThrow(db, ctx.workspaceId, input.purpose);
      if (!purpose.directMarketing && !objectableBases.includes(purpose.lawfulBasis)) {
        throw fieldError(
          '/purpose',
          `purpose ${purpose.key} is not based on legitimate interests, a public task or direct marketing; ` +
            'withdraw consent or ask for restriction or erasure instead',
        );
      }
      const now = deps.clock.now().toISOString();
      // Art. 21(3): an objection to direct marketing is upheld at once, without balancing.
      const outcome: ObjectionOutcome = purpose.directMarketing ? 'upheld' : 'pending';
      return db.transaction().execute(async (trx) => {
        const open = await trx
          .selectFrom('objections')
          .select('id')
          .where('workspace_id', '=', ctx.workspaceId)
          .where('person_id', '=', personId)
          .where('purpose_key', '=', purpose.key)
          .where('outcome', 'in', ['pending', 'upheld'])
          .executeTakeFirst();
        if (open)
          throw new AppError('CONFLICT', {
            detail: 'An objection to this purpose is already open or upheld',
            objectionId: open.id,
          });
        const record: ObjectionRecord = {
          id: randomUUID(),
          purpose: purpose.key,
          objectedAt: now,
          outcome,
          decidedAt: outcome === 'upheld' ? now : null,
        };
        await trx
          .insertInto('objections')
          .values({
            id: record.id,
            workspace_id: ctx.workspaceId,
            person_id: personId,
            purpose_key: purpose.key,
            objected_at: now,
            outcome,
            decided_at: record.decidedAt,
            updated_at: now,
          })
          .execute();
        if (outcome === 'upheld') await deps.onObjectionUpheld?.(trx, ctx.workspaceId, personId);
        await audit(trx, ctx, personId, {
          action: 'objection.raise',
          purpose: purpose.key,
          details: { objectionId: record.id, outcome },
          event: 'person.objected',
        });
        return record;
      });
    },

    async decideObjection(db, ctx, personId, objectionId, outcome) {
      await assertPerson(db, ctx.workspaceId, personId);
      const now = deps.clock.now().toISOString();
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('objections')
          .selectAll()
          .where('workspace_id', '=', ctx.workspaceId)
          .where('person_id', '=', personId)
          .where('id', '=', objectionId)
          .executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', { resource: 'objection' });
        if (row.outcome !== 'pending') {
          throw new AppError('CONFLICT', {
            detail: 'The objection was already decided',
            outcome: row.outcome,
          });
        }
        await trx
          .updateTable('objections')
          .set({ outcome, decided_at: now, updated_at: now })
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', '=', objectionId)
          .execute();
        if (outcome === 'upheld') await deps.onObjectionUpheld?.(trx, ctx.workspaceId, personId);
        await audit(trx, ctx, personId, {
          action: 'objection.decide',
          purpose: row.purpose_key,
          details: { objectionId, outcome },
          event: 'person.objected',
        });
        return { id: row.id, purpose: row.purpose_key, objectedAt: row.objected_at, outcome, decidedAt: now };
      });
    },

    async restrict(db, ctx, personId, reason) {
      await assertPerson(db, ctx.workspaceId, personId);
      const now = deps.clock.now().toISOString();
      return db.transaction().execute(async (trx) => {
        if (await activeRestriction(trx, ctx.workspaceId, personId)) {
          throw new AppError('CONFLICT', { detail: 'Processing of this person is already restricted' });
        }
        const record: RestrictionRecord = { id: randomUUID(), reason, restrictedAt: now, liftedAt: null };
        await trx
          .insertInto('restrictions')
          .values({
            id: record.id,
            workspace_id: ctx.workspaceId,
            person_id: personId,
            reason,
            restricted_at: now,
            lifted_at: null,
          })
          .execute();
        await audit(trx, ctx, personId, {
          action: 'restriction.set',
          details: { restrictionId: record.id, reason },
          event: 'person.restricted',
        });
        return record;
      });
    },

    async liftRestriction(db, ctx, personId) {
      await assertPerson(db, ctx.workspaceId, personId);
      const now = deps.clock.now().toISOString();
      return db.transaction().execute(async (trx) => {
        const current = await activeRestriction(trx, ctx.workspaceId, personId);
        if (!current)
          throw new AppError('CONFLICT', { detail: 'Processing of this person is not restricted' });
        // Every restriction in force (two set at the same moment would otherwise leave one behind).
        await trx
          .updateTable('restrictions')
          .set({ lifted_at: now })
          .where('workspace_id', '=', ctx.workspaceId)
          .where('person_id', '=', personId)
          .where('lifted_at', 'is', null)
          .execute();
        await audit(trx, ctx, personId, {
          action: 'restriction.lift',
          details: { restrictionId: current.id, reason: current.reason },
          event: 'person.restriction_lifted',
        });
        return { ...current, liftedAt: now };
      });
    },

    async standingOf(db, ctx, personId) {
      await assertPerson(db, ctx.workspaceId, personId);
      const purposes = await deps.purposes.list(db, ctx.workspaceId);
      const events = await db
        .selectFrom('consent_events')
        .selectAll()
        .where('workspace_id', '=', ctx.workspaceId)
        .where('person_id', '=', personId)
        .orderBy('id', 'desc')
        .execute();
      const latestConsent = new Map<string, ConsentRecord>();
      for (const e of events) {
        if (latestConsent.has(e.purpose_key)) continue;
        latestConsent.set(e.purpose_key, {
          id: Number(e.id),
          purpose: e.purpose_key,
          purposeVersion: Number(e.purpose_version),
          state: e.state as ConsentEventState,
          method: e.method as ConsentMethod,
          noticeVersion: e.notice_version,
          recordedAt: e.recorded_at,
        });
      }
      const objections = new Map<string, ObjectionRecord>();
      for (const o of await objectionsOf(db, ctx.workspaceId, personId)) {
        const held = objections.get(o.purpose);
        if (!held || objectionRank[o.outcome] > objectionRank[held.outcome]) objections.set(o.purpose, o);
      }
      const restriction = await activeRestriction(db, ctx.workspaceId, personId);
      await db.transaction().execute((trx) => audit(trx, ctx, personId, { action: 'standing.read' }));
      return {
        personId,
        restriction,
        purposes: purposes.map((p) => ({
          purpose: p.key,
          name: p.name,
          lawfulBasis: p.lawfulBasis,
          active: p.active,
          consentRequired: purposeNeedsConsent(p, true),
          consent: latestConsent.get(p.key) ?? null,
          objection: objections.get(p.key) ?? null,
        })),
      };
    },
  };
}
