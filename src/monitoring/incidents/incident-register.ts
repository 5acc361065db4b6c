import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { OrganisationStore } from '../../governance/organisation/organisation-store.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import { categoryWithin } from '../../kernel/catalogue/category-prefix.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { PrivacyEvents } from '../../kernel/events/privacy-events.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { computeAffectedScope } from './affected-scope.ts';
import { breachClock } from './breach-clock.ts';
import { assessRisk } from './incident-assessment.ts';
import type { IncidentFromAlert } from './incident-from-alert.ts';
import { decodeIncidentCursor, encodeIncidentCursor } from './incident-list-cursor.ts';
import {
  checkIncidentDates,
  checkInvolvedActors,
  checkOverride,
  datesProblem,
  fieldProblem,
  normaliseInstant,
  type IncidentPatch,
  type NewIncident,
} from './incident-input.ts';
import type { IncidentTable } from './incident-tables.ts';
import {
  emptyRecord,
  type EffectiveScope,
  type Incident,
  type IncidentRecord,
  type TimelineEntry,
} from './incident-types.ts';
import {
  authorityDraft,
  missingForAuthority,
  missingForPeople,
  peopleDraft,
  type NotificationDraft,
} from './notification-drafts.ts';

/** Recording that a notification went out. */
export interface NotificationSent {
  readonly kind: 'authority' | 'people';
  /** When it was sent (defaults to now). */
  readonly at?: string;
  /** The authority's case number, when it gave one. */
  readonly authorityReference?: string;
  /** Art. 33(1) reasons, required when the authority is notified after 72 hours and none were recorded. */
  readonly lateReason?: string;
}

export interface IncidentListFilter {
  readonly status?: 'open' | 'closed' | 'all';
  /** A `nextCursor` of an earlier page. */
  readonly cursor?: string;
  readonly limit?: number;
}

export interface IncidentPage {
  readonly items: Incident[];
  readonly nextCursor: string | null;
}

export interface IncidentRegister extends IncidentFromAlert {
  /**
   * One page of incidents, most recent awareness first (then id, descending); `nextCursor` continues the list, null
   * on the last page. `limit` is 1 to 200 (default 50).
   */
  list(db: Kysely<Database>, workspaceId: string, filter?: IncidentListFilter): Promise<IncidentPage>;
  getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Incident>;
  create(db: Kysely<Database>, ctx: ActorContext, input: NewIncident): Promise<Incident>;
  update(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    expectedVersion: number,
    patch: IncidentPatch,
  ): Promise<Incident>;
  /** Computes the affected people, records and categories again from the audit log. */
  recomputeScope(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    expectedVersion: number,
  ): Promise<Incident>;
  recordNotification(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    expectedVersion: number,
    sent: NotificationSent,
  ): Promise<Incident>;
  addNote(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    note: { at?: string; note: string },
  ): Promise<TimelineEntry>;
  /** Closes an incident whose notifications are done (or whose reasons for not notifying are recorded). */
  close(db: Kysely<Database>, ctx: ActorContext, id: string, expectedVersion: number): Promise<Incident>;
  timeline(db: Kysely<Database>, workspaceId: string, id: string): Promise<TimelineEntry[]>;
  /** A notification draft; `INCIDENT_NOTIFICATION_INCOMPLETE` with `missing` when required content is absent. Audited. */
  draft(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    kind: 'authority' | 'people',
  ): Promise<NotificationDraft>;
  /** Writes an audit entry and a timeline line for an export of the incident (no personal data in either). */
  recordExport(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    what: string,
    details: Record<string, unknown>,
  ): Promise<void>;
}

export interface IncidentRegisterDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly catalogue: Pick<Catalogue, 'listCategories'>;
  readonly purposes: Pick<PurposeRegister, 'list'>;
  readonly organisation: Pick<OrganisationStore, 'get'>;
  readonly privacyEvents: Pick<PrivacyEvents, 'emit'>;
}

type Row = Selectable<IncidentTable>;

/**
 * The incident and breach register (Art. 33(5)): every incident with its dates, nature, the people, records and
 * categories computed from the audit log of the accounts involved, the risk assessment deciding whom to notify, the
 * 72-hour clock, the notifications and a timeline. Every change is audited and emits `incident.opened` /
 * `incident.updated`.
 *
 * @example
 * const incidents = createIncidentRegister({ dialect, clock, catalogue, purposes, organisation, privacyEvents });
 * const i = await incidents.create(db, ctx, { title: 'Export at night', occurredFrom, awareAt, involvedActors: [{ type: 'user', id }] });
 * i.clock.deadline; // awareAt + 72 h
 */
export function createIncidentRegister(deps: IncidentRegisterDeps): IncidentRegister {
  const nowIso = () => deps.clock.now().toISOString();

  async function specialKeys(db: Kysely<Database>, workspaceId: string): Promise<string[]> {
    return (await deps.catalogue.listCategories(db, workspaceId)).filter((c) => c.special).map((c) => c.key);
  }

  async function toIncident(db: Kysely<Database>, row: Row): Promise<Incident> {
    const record = { ...emptyRecord, ...(JSON.parse(row.record) as Partial<IncidentRecord>) };
    const special = await specialKeys(db, row.workspace_id);
    const o = record.scopeOverride;
    const s = record.scope;
    const categories = o?.categories ?? s?.categories ?? [];
    const effective: EffectiveScope = {
      people: o?.people ?? s?.peopleHigh ?? null,
      records: o?.records ?? s?.records ?? null,
      categories,
      specialCategories: categories.filter((k) => special.some((sk) => categoryWithin(k, sk))),
      source: o ? 'override' : s ? 'computed' : 'none',
    };
    const assessment = assessRisk({
      likelihood: record.likelihood,
      severity: record.severity,
      art34Exemption: record.art34Exemption,
      specialData: effective.specialCategories.length > 0,
    });
    const clock = breachClock(
      {
        awareAt: row.aware_at,
        authorityNotifiedAt: record.authorityNotifiedAt,
        authorityRequired: assessment.authorityRequired,
      },
      deps.clock.now(),
    );
    const base = {
      ...record,
      id: row.id,
      reference: row.reference,
      version: Number(row.version),
      title: row.title,
      status: row.status as Incident['status'],
      occurredFrom: row.occurred_from,
      occurredTo: row.occurred_to,
      awareAt: row.aware_at,
      alertId: row.alert_id,
      clock,
      assessment,
      effective,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      closedAt: row.closed_at,
    };
    const org = await deps.organisation.get(db, row.workspace_id);
    return {
      ...base,
      missing: { authority: missingForAuthority(base, org), people: missingForPeople(base, org) },
    };
  }

  async function findRow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Row> {
    const row = await db
      .selectFrom('incidents')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'incident' });
    return row;
  }

  async function audit(
    trx: Kysely<Database>,
    ctx: ActorContext,
    action: string,
    id: string,
    details: Record<string, unknown>,
  ) {
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'incident',
      resourceId: id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details,
    });
  }

  async function addTimeline(
    trx: Kysely<Database>,
    ctx: ActorContext,
    incidentId: string,
    kind: string,
    note: string,
    at?: string,
  ): Promise<TimelineEntry> {
    const recordedAt = nowIso();
    const entry = {
      id: randomUUID(),
      at: at ?? recordedAt,
      recordedAt,
      actor: { type: ctx.actor.type, id: ctx.actor.id },
      kind,
      note,
    };
    await trx
      .insertInto('incident_timeline')
      .values({
        id: entry.id,
        workspace_id: ctx.workspaceId,
        incident_id: incidentId,
        at: entry.at,
        recorded_at: recordedAt,
        actor_type: ctx.actor.type,
        actor_id: ctx.actor.id,
        kind,
        note,
      })
      .execute();
    return entry;
  }

  async function emit(
    trx: Kysely<Database>,
    ctx: ActorContext,
    type: 'incident.opened' | 'incident.updated',
    incident: Incident,
    change: string,
  ) {
    await deps.privacyEvents.emit(trx, {
      type,
      workspaceId: ctx.workspaceId,
      data: {
        incidentId: incident.id,
        reference: incident.reference,
        change,
        status: incident.status,
        riskLevel: incident.assessment.level,
        clockState: incident.clock.state,
        deadline: incident.clock.deadline,
        approximatePeople: incident.effective.people,
      },
    });
  }

  async function knownCategories(db: Kysely<Database>, workspaceId: string) {
    return new Set((await deps.catalogue.listCategories(db, workspaceId)).map((c) => c.key));
  }

  async function scopeFor(
    db: Kysely<Database>,
    workspaceId: string,
    record: IncidentRecord,
    occurredFrom: string,
    occurredTo: string | null,
  ) {
    if (record.involvedActors.length === 0) return null;
    const now = nowIso();
    return computeAffectedScope(db, deps, {
      workspaceId,
      actors: record.involvedActors,
      from: occurredFrom,
      to: occurredTo ?? now,
      now,
    });
  }

  function applyPatch(record: IncidentRecord, patch: IncidentPatch): IncidentRecord {
    const text = (v: string | undefined, prev: string) => (v === undefined ? prev : v.trim());
    return {
      ...record,
      nature: patch.nature ? [...new Set(patch.nature)] : record.nature,
      description: text(patch.description, record.description),
      involvedActors: patch.involvedActors ? dedupeActors(patch.involvedActors) : record.involvedActors,
      evidenceAuditSeqs: patch.evidenceAuditSeqs
        ? [...new Set(patch.evidenceAuditSeqs)].sort((a, b) => a - b)
        : record.evidenceAuditSeqs,
      scopeOverride:
        patch.scopeOverride === undefined
          ? record.scopeOverride
          : patch.scopeOverride && { ...patch.scopeOverride, reason: patch.scopeOverride.reason.trim() },
      consequences: text(patch.consequences, record.consequences),
      measuresTaken: text(patch.measuresTaken, record.measuresTaken),
      measuresProposed: text(patch.measuresProposed, record.measuresProposed),
      adviceToPeople: text(patch.adviceToPeople, record.adviceToPeople),
      likelihood: patch.likelihood === undefined ? record.likelihood : patch.likelihood,
      severity: patch.severity === undefined ? record.severity : patch.severity,
      art34Exemption: patch.art34Exemption === undefined ? record.art34Exemption : patch.art34Exemption,
      noNotificationReason: text(patch.noNotificationReason, record.noNotificationReason),
      lateReason: text(patch.lateReason, record.lateReason),
    };
  }

  async function nextReference(trx: Kysely<Database>, workspaceId: string): Promise<string> {
    const year = deps.clock.now().toISOString().slice(0, 4);
    const { n } = await trx
      .selectFrom('incidents')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('reference', 'like', `INC-${year}-%`)
      .executeTakeFirstOrThrow();
    return `INC-${year}-${String(Number(n) + 1).padStart(4, '0')}`;
  }

  async function insert(
    trx: Kysely<Database>,
    ctx: ActorContext,
    input: NewIncident,
    alertId: string | null,
  ): Promise<Incident> {
    const title = input.title.trim();
    if (!title) throw fieldProblem('/title', 'must not be blank');
    const occurredFrom = normaliseInstant('/occurredFrom', input.occurredFrom);
    const occurredTo = input.occurredTo ? normaliseInstant('/occurredTo', input.occurredTo) : null;
    const awareAt = normaliseInstant('/awareAt', input.awareAt);
    checkIncidentDates({ occurredFrom, occurredTo, awareAt }, deps.clock.now());
    const record0 = applyPatch(emptyRecord, input);
    await checkInvolvedActors(trx, ctx.workspaceId, record0.involvedActors);
    checkOverride(record0.scopeOverride, await knownCategories(trx, ctx.workspaceId));
    const record = {
      ...record0,
      scope: await scopeFor(trx, ctx.workspaceId, record0, occurredFrom, occurredTo),
    };
    const id = randomUUID();
    const now = nowIso();
    await trx
      .insertInto('incidents')
      .values({
        id,
        workspace_id: ctx.workspaceId,
        reference: await nextReference(trx, ctx.workspaceId),
        version: 1,
        title,
        status: 'open',
        occurred_from: occurredFrom,
        occurred_to: occurredTo,
        aware_at: awareAt,
        alert_id: alertId,
        record: JSON.stringify(record),
        created_at: now,
        updated_at: now,
        closed_at: null,
      })
      .execute();
    const incident = await toIncident(trx, await findRow(trx, ctx.workspaceId, id));
    await audit(trx, ctx, 'incident.open', id, {
      reference: incident.reference,
      ...(alertId ? { alertId } : {}),
      involvedAccounts: record.involvedActors.length,
      approximatePeople: incident.effective.people,
      records: incident.effective.records,
    });
    await addTimeline(
      trx,
      ctx,
      id,
      'aware',
      'The organisation became aware of the incident: the 72-hour clock starts',
      awareAt,
    );
    await addTimeline(
      trx,
      ctx,
      id,
      'opened',
      alertId ? `Opened from alert ${alertId}` : 'Opened in the register',
    );
    if (record.scope) await addTimeline(trx, ctx, id, 'scope_computed', scopeNote(incident));
    await emit(trx, ctx, 'incident.opened', incident, 'opened');
    return incident;
  }

  /** Locks the row, checks the version and that it is open, runs `change`, bumps the version, audits and emits. */
  async function mutate(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    expectedVersion: number,
    action: string,
    change: (
      trx: Kysely<Database>,
      row: Row,
      record: IncidentRecord,
    ) => Promise<{
      set: Partial<Row>;
      record: IncidentRecord;
      note: string;
      kind: string;
      details: Record<string, unknown>;
      at?: string;
    }>,
  ): Promise<Incident> {
    return db.transaction().execute(async (trx) => {
      const row = await forUpdate(
        trx
          .selectFrom('incidents')
          .selectAll()
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', '=', id),
        deps.dialect,
      ).executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', { resource: 'incident' });
      if (Number(row.version) !== expectedVersion)
        throw new AppError('PRECONDITION_FAILED', { detail: 'The incident changed since you read it' });
      if (row.status === 'closed') throw new AppError('INCIDENT_CLOSED');
      const record = { ...emptyRecord, ...(JSON.parse(row.record) as Partial<IncidentRecord>) };
      const result = await change(trx, row, record);
      await trx
        .updateTable('incidents')
        .set({
          ...result.set,
          record: JSON.stringify(result.record),
          version: expectedVersion + 1,
          updated_at: nowIso(),
        })
        .where('workspace_id', '=', ctx.workspaceId)
        .where('id', '=', id)
        .execute();
      const incident = await toIncident(trx, await findRow(trx, ctx.workspaceId, id));
      await audit(trx, ctx, action, id, {
        reference: incident.reference,
        version: incident.version,
        ...result.details,
      });
      await addTimeline(trx, ctx, id, result.kind, result.note, result.at);
      await emit(trx, ctx, 'incident.updated', incident, result.kind);
      return incident;
    });
  }

  const register: IncidentRegister = {
    async list(db, workspaceId, filter = {}) {
      const limit = filter.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 200)
        throw new AppError('VALIDATION_FAILED', {
          detail: 'limit: 1 to 200',
          errors: [{ path: '/limit', message: 'must be 1 to 200' }],
        });
      let q = db.selectFrom('incidents').selectAll().where('workspace_id', '=', workspaceId);
      if (filter.status && filter.status !== 'all') q = q.where('status', '=', filter.status);
      if (filter.cursor !== undefined) {
        const after = decodeIncidentCursor(filter.cursor);
        q = q.where((eb) =>
          eb.or([
            eb('aware_at', '<', after.awareAt),
            eb.and([eb('aware_at', '=', after.awareAt), eb('id', '<', after.id)]),
          ]),
        );
      }
      const rows = await q
        .orderBy('aware_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const items: Incident[] = [];
      for (const row of rows.slice(0, limit)) items.push(await toIncident(db, row));
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return {
        items,
        nextCursor: last ? encodeIncidentCursor({ awareAt: last.aware_at, id: last.id }) : null,
      };
    },

    async getOrThrow(db, workspaceId, id) {
      return toIncident(db, await findRow(db, workspaceId, id));
    },

    async create(db, ctx, input) {
      return db.transaction().execute((trx) => insert(trx, ctx, input, null));
    },

    async openFromAlert(trx, ctx, input) {
      const existing = await trx
        .selectFrom('incidents')
        .select('id')
        .where('workspace_id', '=', ctx.workspaceId)
        .where('alert_id', '=', input.alertId)
        .executeTakeFirst();
      if (existing)
        throw new AppError('ALREADY_EXISTS', {
          resource: 'incident',
          detail: 'This alert was already turned into an incident',
          incidentId: existing.id,
        });
      const incident = await insert(
        trx,
        ctx,
        {
          title: input.title,
          description: input.summary,
          occurredFrom: input.occurredAt,
          awareAt: input.awareAt,
          involvedActors: input.involvedActors,
          evidenceAuditSeqs: input.evidenceAuditSeqs,
          nature: ['confidentiality'],
        },
        input.alertId,
      );
      return { id: incident.id };
    },

    async update(db, ctx, id, expectedVersion, patch) {
      return mutate(db, ctx, id, expectedVersion, 'incident.update', async (trx, row, record) => {
        const title = patch.title === undefined ? row.title : patch.title.trim();
        if (!title) throw fieldProblem('/title', 'must not be blank');
        const occurredFrom =
          patch.occurredFrom === undefined
            ? row.occurred_from
            : normaliseInstant('/occurredFrom', patch.occurredFrom);
        const occurredTo =
          patch.occurredTo === undefined
            ? row.occurred_to
            : patch.occurredTo === null
              ? null
              : normaliseInstant('/occurredTo', patch.occurredTo);
        const awareAt =
          patch.awareAt === undefined ? row.aware_at : normaliseInstant('/awareAt', patch.awareAt);
        checkIncidentDates({ occurredFrom, occurredTo, awareAt }, deps.clock.now());
        const next = applyPatch(record, patch);
        await checkInvolvedActors(trx, ctx.workspaceId, next.involvedActors);
        checkOverride(next.scopeOverride, await knownCategories(trx, ctx.workspaceId));
        const rescope =
          patch.involvedActors !== undefined ||
          occurredFrom !== row.occurred_from ||
          occurredTo !== row.occurred_to;
        const scoped = rescope
          ? { ...next, scope: await scopeFor(trx, ctx.workspaceId, next, occurredFrom, occurredTo) }
          : next;
        const fields = Object.keys(patch).sort();
        return {
          set: { title, occurred_from: occurredFrom, occurred_to: occurredTo, aware_at: awareAt },
          record: scoped,
          kind: 'updated',
          note: `Changed ${fields.join(', ') || 'nothing'}${rescope ? '; affected scope recomputed' : ''}${patch.scopeOverride ? `; numbers overridden: ${patch.scopeOverride.reason.trim()}` : ''}`,
          details: { fields, rescoped: rescope },
        };
      });
    },

    async recomputeScope(db, ctx, id, expectedVersion) {
      return mutate(db, ctx, id, expectedVersion, 'incident.scope_compute', async (trx, row, record) => {
        if (record.involvedActors.length === 0)
          throw fieldProblem(
            '/involvedActors',
            'name at least one account to compute the affected people from',
          );
        const scope = await scopeFor(trx, ctx.workspaceId, record, row.occurred_from, row.occurred_to);
        const next = { ...record, scope };
        return {
          set: {},
          record: next,
          kind: 'scope_computed',
          note: scope
            ? `Computed from ${scope.entries} audit entries: about ${scope.peopleHigh} people, ${scope.records} records`
            : 'No scope',
          details: {
            entries: scope?.entries ?? 0,
            peopleHigh: scope?.peopleHigh ?? 0,
            records: scope?.records ?? 0,
          },
        };
      });
    },

    async recordNotification(db, ctx, id, expectedVersion, sent) {
      return mutate(db, ctx, id, expectedVersion, 'incident.notify', async (_trx, row, record) => {
        const at = sent.at === undefined ? nowIso() : normaliseInstant('/at', sent.at);
        if (at > nowIso()) throw datesProblem('/at', 'is in the future');
        if (at < row.aware_at)
          throw datesProblem('/at', 'is before the organisation became aware of the breach');
        let next = record;
        if (sent.kind === 'authority') {
          const lateReason = (sent.lateReason ?? record.lateReason).trim();
          const late = breachClock(
            { awareAt: row.aware_at, authorityNotifiedAt: at, authorityRequired: true },
            deps.clock.now(),
          ).lateReasonRequired;
          if (late && !lateReason) {
            throw new AppError('INCIDENT_LATE_REASON_REQUIRED', {
              detail:
                'The authority is notified more than 72 hours after awareness: record the reasons for the delay (Art. 33(1))',
              missing: ['lateReason'],
            });
          }
          next = {
            ...record,
            authorityNotifiedAt: at,
            authorityReference: sent.authorityReference?.trim() ?? record.authorityReference,
            lateReason,
          };
        } else {
          next = { ...record, peopleNotifiedAt: at };
        }
        return {
          set: {},
          record: next,
          kind: sent.kind === 'authority' ? 'notified_authority' : 'notified_people',
          note:
            sent.kind === 'authority'
              ? `Supervisory authority notified${next.authorityReference ? ` (case ${next.authorityReference})` : ''}`
              : 'People concerned notified',
          details: { kind: sent.kind, at },
          at,
        };
      });
    },

    async addNote(db, ctx, id, note) {
      const text = note.note.trim();
      if (!text) throw fieldProblem('/note', 'must not be blank');
      const at = note.at === undefined ? undefined : normaliseInstant('/at', note.at);
      if (at !== undefined && at > nowIso()) throw datesProblem('/at', 'is in the future');
      return db.transaction().execute(async (trx) => {
        const row = await findRow(trx, ctx.workspaceId, id);
        if (row.status === 'closed') throw new AppError('INCIDENT_CLOSED');
        const entry = await addTimeline(trx, ctx, id, 'note', text, at);
        await audit(trx, ctx, 'incident.note', id, { reference: row.reference, timelineEntryId: entry.id });
        return entry;
      });
    },

    async close(db, ctx, id, expectedVersion) {
      const current = await register.getOrThrow(db, ctx.workspaceId, id);
      const missing: string[] = [];
      if (current.assessment.level === null) missing.push('likelihood', 'severity');
      if (current.assessment.authorityRequired && current.authorityNotifiedAt === null)
        missing.push('authorityNotifiedAt');
      if (!current.assessment.authorityRequired && !current.noNotificationReason)
        missing.push('noNotificationReason');
      if (
        (current.assessment.peopleRequired || current.assessment.publicCommunication) &&
        current.peopleNotifiedAt === null
      )
        missing.push('peopleNotifiedAt');
      if (missing.length > 0)
        throw new AppError('INCIDENT_NOT_CLOSABLE', { detail: `Still open: ${missing.join(', ')}`, missing });
      return mutate(db, ctx, id, expectedVersion, 'incident.close', async (_trx, _row, record) => ({
        set: { status: 'closed', closed_at: nowIso() },
        record,
        kind: 'closed',
        note: 'Closed',
        details: {},
      }));
    },

    async timeline(db, workspaceId, id) {
      await findRow(db, workspaceId, id);
      const rows = await db
        .selectFrom('incident_timeline')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('incident_id', '=', id)
        .orderBy('at')
        .orderBy('recorded_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        recordedAt: r.recorded_at,
        actor: { type: r.actor_type, id: r.actor_id },
        kind: r.kind,
        note: r.note,
      }));
    },

    async draft(db, ctx, id, kind) {
      return db.transaction().execute(async (trx) => {
        const incident = await toIncident(trx, await findRow(trx, ctx.workspaceId, id));
        const missing = incident.missing[kind];
        if (missing.length > 0) {
          throw new AppError('INCIDENT_NOTIFICATION_INCOMPLETE', {
            detail: `The ${kind === 'authority' ? 'notification to the authority' : 'letter to the people'} lacks: ${missing.join(', ')}`,
            kind,
            missing,
          });
        }
        const org = await deps.organisation.get(trx, ctx.workspaceId);
        const draft =
          kind === 'authority'
            ? authorityDraft(incident, org, nowIso())
            : peopleDraft(incident, org, nowIso());
        await audit(trx, ctx, 'incident.draft', id, { reference: incident.reference, kind });
        await addTimeline(
          trx,
          ctx,
          id,
          'draft',
          `Draft ${kind === 'authority' ? 'notification to the authority' : 'letter to the people'} produced`,
        );
        return draft;
      });
    },

    async recordExport(db, ctx, id, what, details) {
      await db.transaction().execute(async (trx) => {
        const row = await findRow(trx, ctx.workspaceId, id);
        await audit(trx, ctx, 'incident.export', id, { reference: row.reference, what, ...details });
        await addTimeline(trx, ctx, id, 'export', `Exported: ${what}`);
      });
    },
  };
  return register;
}

function dedupeActors<T extends { type: string; id: string }>(actors: readonly T[]): T[] {
  const seen = new Set<string>();
  return actors.filter((a) => {
    const k = `${a.type}:${a.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function scopeNote(i: Incident): string {
  const s = i.scope;
  return s
    ? `Computed from ${s.entries} audit entries: about ${s.peopleHigh} people, ${s.records} records, categories ${s.categories.join(', ') || 'none'}`
    : '';
}
