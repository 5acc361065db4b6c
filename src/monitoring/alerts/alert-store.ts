import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { IncidentFromAlert, InvolvedActor } from '../incidents/incident-from-alert.ts';
import type { AlertRuleKey, AlertSeverity } from './alert-rules.ts';
import type { AlertTable } from './alert-tables.ts';
import type { AlertHit, AlertSubjectType } from './rule-evaluator.ts';

export const alertStatuses = ['open', 'acknowledged', 'dismissed', 'incident'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/** An alert as the API shows it: evidence by audit seq, no personal data. */
export interface Alert {
  readonly id: string;
  readonly rule: AlertRuleKey;
  readonly severity: AlertSeverity;
  readonly status: AlertStatus;
  readonly subjectType: AlertSubjectType;
  readonly subjectId: string | null;
  readonly summary: string;
  readonly figures: Record<string, unknown>;
  readonly evidence: { readonly seqs: number[]; readonly count: number };
  readonly hits: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly raisedAt: string;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  readonly dismissedAt: string | null;
  readonly dismissedBy: string | null;
  readonly dismissReason: string | null;
  readonly incidentId: string | null;
  readonly version: number;
}

/** A hit merged with the other hits of its group in one batch. */
export interface GroupedHit extends AlertHit {
  readonly hitCount: number;
  readonly firstAt: string;
}

export interface AlertListQuery {
  /** One status, or `active` (open and acknowledged). */
  readonly status?: AlertStatus | 'active';
  readonly rule?: AlertRuleKey;
  readonly severity?: AlertSeverity;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface AlertSummary {
  readonly open: number;
  readonly acknowledged: number;
  readonly bySeverity: Record<AlertSeverity, number>;
  readonly latest: Alert[];
}

export interface AlertStore {
  /** Writes a batch's hits inside the detector's transaction: each a new alert, or one more repeat of its group's. */
  recordAll(
    trx: Kysely<Database>,
    workspaceId: string,
    hits: readonly GroupedHit[],
  ): Promise<{ alert: Alert; created: boolean }[]>;
  list(
    db: Kysely<Database>,
    workspaceId: string,
    query: AlertListQuery,
  ): Promise<{ items: Alert[]; nextCursor: string | null }>;
  summary(db: Kysely<Database>, workspaceId: string): Promise<AlertSummary>;
  getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Alert>;
  acknowledge(db: Kysely<Database>, ctx: ActorContext, id: string, expectedVersion: number): Promise<Alert>;
  dismiss(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    expectedVersion: number,
    reason: unknown,
  ): Promise<Alert>;
  /**
   * Hands the alert to the incident register (`services.incidents`) in one transaction; returns the incident's id with
   * the updated alert. `INCIDENT_REGISTER_UNAVAILABLE` when no register is wired.
   */
  openIncident(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    expectedVersion: number,
    incidents: IncidentFromAlert | undefined,
  ): Promise<{ alert: Alert; incidentId: string }>;
}

export interface AlertStoreDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
}

const evidenceCap = 200;
const ruleTitles: Readonly<Record<AlertRuleKey, string>> = {
  bulk_export: 'Bulk export above normal volume',
  bulk_read: 'Bulk reads above normal volume',
  out_of_hours: 'Access outside working hours',
  failed_sign_ins_account: 'Burst of failed sign-ins on one account',
  failed_sign_ins_address: 'Burst of failed sign-ins from one address',
  privilege_escalation: 'Privilege escalation',
  special_category_access: 'Access to special-category data',
  token_new_address: 'API token used from a new address',
  workspace_volume_spike: 'Workspace read and decryption volume spike',
};

/** The alert's title for people (emails, incidents, the console). */
export function alertTitle(rule: AlertRuleKey): string {
  return ruleTitles[rule];
}

function toAlert(row: Selectable<AlertTable>): Alert {
  return {
    id: row.id,
    rule: row.rule as AlertRuleKey,
    severity: row.severity as AlertSeverity,
    status: row.status as AlertStatus,
    subjectType: row.subject_type as AlertSubjectType,
    subjectId: row.subject_id,
    summary: row.summary,
    figures: JSON.parse(row.figures) as Record<string, unknown>,
    evidence: { seqs: JSON.parse(row.evidence) as number[], count: Number(row.evidence_count) },
    hits: Number(row.hits),
    windowStart: row.window_start,
    windowEnd: row.window_end,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    raisedAt: row.raised_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    dismissedAt: row.dismissed_at,
    dismissedBy: row.dismissed_by,
    dismissReason: row.dismiss_reason,
    incidentId: row.incident_id,
    version: Number(row.version),
  };
}

function encodeCursor(a: Alert): string {
  return Buffer.from(`${a.raisedAt}|${a.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { raisedAt: string; id: string } {
  const [raisedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!raisedAt || !id || Number.isNaN(Date.parse(raisedAt)))
    throw new AppError('VALIDATION_FAILED', {
      detail: 'cursor: is not a cursor of this list',
      errors: [{ path: '/cursor', message: 'is not a cursor of this list' }],
    });
  return { raisedAt, id };
}

/**
 * Alerts: recorded by the detector (grouped per rule, actor and window), then acknowledged, dismissed with a reason or
 * turned into an incident by staff. Every staff step is audited; the detector audits each alert it raises.
 *
 * @example
 * const alerts = createAlertStore({ dialect: db.dialect, clock });
 * await alerts.dismiss(db.kysely, ctx, id, 1, 'A planned migration export');
 */
export function createAlertStore(deps: AlertStoreDeps): AlertStore {
  const { clock } = deps;

  async function lockOrThrow(
    trx: Kysely<Database>,
    workspaceId: string,
    id: string,
    expectedVersion: number,
  ): Promise<Selectable<AlertTable>> {
    const row = await forUpdate(
      trx.selectFrom('alerts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id),
      deps.dialect,
    ).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'alert' });
    if (Number(row.version) !== expectedVersion)
      throw new AppError('PRECONDITION_FAILED', { detail: 'The alert changed since you read it' });
    if (row.status === 'dismissed' || row.status === 'incident')
      throw new AppError('ALERT_CLOSED', { status: row.status });
    return row;
  }

  async function transition(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    expectedVersion: number,
    change: (
      row: Selectable<AlertTable>,
      now: string,
      trx: Kysely<Database>,
    ) => Promise<{ set: Partial<AlertTable>; action: string; details: Record<string, unknown> }>,
  ): Promise<Alert> {
    await db.transaction().execute(async (trx) => {
      const row = await lockOrThrow(trx, ctx.workspaceId, id, expectedVersion);
      const now = clock.now().toISOString();
      const { set, action, details } = await change(row, now, trx);
      await trx
        .updateTable('alerts')
        .set({ ...set, version: expectedVersion + 1, updated_at: now })
        .where('id', '=', id)
        .execute();
      await appendAudit(trx, deps, {
        workspaceId: ctx.workspaceId,
        actor: ctx.actor,
        action,
        outcome: 'allowed',
        resourceType: 'alert',
        resourceId: id,
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
        details: { rule: row.rule, severity: row.severity, previousStatus: row.status, ...details },
      });
    });
    return getOrThrow(db, ctx.workspaceId, id);
  }

  async function getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Alert> {
    const row = await db
      .selectFrom('alerts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'alert' });
    return toAlert(row);
  }

  async function record(
    trx: Kysely<Database>,
    workspaceId: string,
    hit: GroupedHit,
    existing: Selectable<AlertTable> | undefined,
  ): Promise<{ alert: Alert; created: boolean }> {
    const now = clock.now().toISOString();
    if (existing) {
      const seqs = JSON.parse(existing.evidence) as number[];
      const known = new Set(seqs);
      const fresh = hit.seqs.filter((s) => !known.has(s));
      const merged = [...seqs, ...fresh].slice(0, evidenceCap);
      await trx
        .updateTable('alerts')
        .set({
          hits: Number(existing.hits) + hit.hitCount,
          evidence: JSON.stringify(merged),
          evidence_count: Number(existing.evidence_count) + fresh.length,
          last_seen_at: hit.at > existing.last_seen_at ? hit.at : existing.last_seen_at,
          summary: hit.summary,
          figures: JSON.stringify(hit.figures),
          updated_at: now,
        })
        .where('id', '=', existing.id)
        .execute();
      return {
        alert: toAlert({ ...existing, hits: Number(existing.hits) + hit.hitCount }),
        created: false,
      };
    }
    const row: Selectable<AlertTable> = {
      id: randomUUID(),
      workspace_id: workspaceId,
      rule: hit.rule,
      severity: hit.severity,
      status: 'open',
      group_key: hit.groupKey,
      subject_type: hit.subjectType,
      subject_id: hit.subjectId,
      summary: hit.summary,
      figures: JSON.stringify(hit.figures),
      evidence: JSON.stringify(hit.seqs.slice(0, evidenceCap)),
      evidence_count: hit.seqs.length,
      hits: hit.hitCount,
      window_start: hit.windowStart,
      window_end: hit.windowEnd,
      first_seen_at: hit.firstAt,
      last_seen_at: hit.at,
      raised_at: now,
      acknowledged_at: null,
      acknowledged_by: null,
      dismissed_at: null,
      dismissed_by: null,
      dismiss_reason: null,
      incident_id: null,
      version: 1,
      updated_at: now,
    };
    await trx.insertInto('alerts').values(row).execute();
    await appendAudit(trx, deps, {
      workspaceId,
      actor: { type: 'system', id: 'anomaly-detector' },
      action: 'alert.raise',
      outcome: 'allowed',
      resourceType: 'alert',
      resourceId: row.id,
      details: {
        rule: hit.rule,
        severity: hit.severity,
        subjectType: hit.subjectType,
        evidenceCount: hit.seqs.length,
        firstEvidenceSeq: hit.seqs[0] ?? null,
      },
    });
    return { alert: toAlert(row), created: true };
  }

  return {
    async recordAll(trx, workspaceId, hits) {
      const existing = new Map<string, Selectable<AlertTable>>();
      const keys = hits.map((h) => h.groupKey);
      for (let i = 0; i < keys.length; i += 500) {
        const rows = await trx
          .selectFrom('alerts')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('group_key', 'in', keys.slice(i, i + 500))
          .execute();
        for (const r of rows) existing.set(r.group_key, r);
      }
      const out: { alert: Alert; created: boolean }[] = [];
      for (const hit of hits) out.push(await record(trx, workspaceId, hit, existing.get(hit.groupKey)));
      return out;
    },

    async list(db, workspaceId, query) {
      const limit = query.limit ?? 50;
      let q = db.selectFrom('alerts').selectAll().where('workspace_id', '=', workspaceId);
      if (query.status === 'active') q = q.where('status', 'in', ['open', 'acknowledged']);
      else if (query.status) q = q.where('status', '=', query.status);
      if (query.rule) q = q.where('rule', '=', query.rule);
      if (query.severity) q = q.where('severity', '=', query.severity);
      if (query.cursor) {
        const c = decodeCursor(query.cursor);
        q = q.where((eb) =>
          eb.or([
            eb('raised_at', '<', c.raisedAt),
            eb.and([eb('raised_at', '=', c.raisedAt), eb('id', '<', c.id)]),
          ]),
        );
      }
      const rows = await q
        .orderBy('raised_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toAlert);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    async summary(db, workspaceId) {
      const rows = await db
        .selectFrom('alerts')
        .select(['status', 'severity', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('status', 'in', ['open', 'acknowledged'])
        .groupBy(['status', 'severity'])
        .execute();
      const bySeverity: Record<AlertSeverity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
      let open = 0;
      let acknowledged = 0;
      for (const r of rows) {
        const n = Number(r.n);
        bySeverity[r.severity as AlertSeverity] += n;
        if (r.status === 'open') open += n;
        else acknowledged += n;
      }
      const latest = (await this.list(db, workspaceId, { status: 'active', limit: 5 })).items;
      return { open, acknowledged, bySeverity, latest };
    },

    getOrThrow,

    async acknowledge(db, ctx, id, expectedVersion) {
      return transition(db, ctx, id, expectedVersion, async (row, now) => {
        if (row.status !== 'open')
          throw new AppError('ALERT_CLOSED', {
            status: row.status,
            detail: 'The alert is already acknowledged',
          });
        return {
          set: { status: 'acknowledged', acknowledged_at: now, acknowledged_by: ctx.actor.id },
          action: 'alert.acknowledge',
          details: {},
        };
      });
    },

    async dismiss(db, ctx, id, expectedVersion, reason) {
      const text = typeof reason === 'string' ? reason.trim() : '';
      if (text.length === 0)
        throw new AppError('VALIDATION_FAILED', {
          detail: 'reason: a reason is required to dismiss an alert',
          errors: [{ path: '/reason', message: 'is required' }],
        });
      if (text.length > 1000)
        throw new AppError('VALIDATION_FAILED', {
          detail: 'reason: must be at most 1000 characters',
          errors: [{ path: '/reason', message: 'must be at most 1000 characters' }],
        });
      return transition(db, ctx, id, expectedVersion, async (_row, now) => ({
        set: { status: 'dismissed', dismissed_at: now, dismissed_by: ctx.actor.id, dismiss_reason: text },
        action: 'alert.dismiss',
        // The reason is staff's free text: kept on the alert, only its length goes to the audit log.
        details: { reasonLength: text.length },
      }));
    },

    async openIncident(db, ctx, id, expectedVersion, incidents) {
      if (!incidents) throw new AppError('INCIDENT_REGISTER_UNAVAILABLE');
      let incidentId = '';
      const alert = await transition(db, ctx, id, expectedVersion, async (row, now, trx) => {
        const a = toAlert(row);
        const involved: InvolvedActor[] =
          a.subjectId && (a.subjectType === 'user' || a.subjectType === 'token')
            ? [{ type: a.subjectType, id: a.subjectId }]
            : [];
        if (a.subjectId && a.subjectType === 'account') involved.push({ type: 'user', id: a.subjectId });
        const opened = await incidents.openFromAlert(trx, ctx, {
          alertId: a.id,
          title: alertTitle(a.rule),
          summary: `${a.summary}. Alert ${a.id}: ${a.hits} hit(s), ${a.evidence.count} audit entries cited, ${a.windowStart} to ${a.windowEnd}.`,
          occurredAt: a.firstSeenAt,
          awareAt: a.raisedAt,
          involvedActors: involved,
          evidenceAuditSeqs: a.evidence.seqs,
        });
        incidentId = opened.id;
        return {
          set: {
            status: 'incident',
            incident_id: opened.id,
            acknowledged_at: row.acknowledged_at ?? now,
            acknowledged_by: row.acknowledged_by ?? ctx.actor.id,
          },
          action: 'alert.to_incident',
          details: { incidentId: opened.id },
        };
      });
      return { alert, incidentId };
    },
  };
}
