import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Severity } from '../compliance/compliance-check.ts';
import type { ComplianceService } from '../compliance/compliance-service.ts';
import type { FindingView } from '../compliance/compliance-types.ts';
import { finalRequestStatusList, foreign, incidentFacts } from '../compliance/foreign-tables.ts';

const day = 86_400_000;
const hours72 = 72 * 3_600_000;

/** Everything the DPO's dashboard draws, as counts: nothing in it names a person. */
export interface PrivacyDashboard {
  readonly generatedAt: string;
  /** Consent rate per consent-based purpose now, and given/withdrawn per week over the last 12 weeks. */
  readonly consent: readonly {
    readonly purpose: string;
    readonly rate: number;
    readonly valid: number;
    readonly records: number;
    readonly expiringSoon: number;
    readonly weekly: readonly { readonly week: string; readonly given: number; readonly withdrawn: number }[];
  }[];
  /** Open requests by deadline; null when the requests area is not installed. */
  readonly requests: {
    readonly overdue: number;
    readonly dueIn7Days: number;
    readonly dueIn30Days: number;
    readonly later: number;
    readonly closedInTime90Days: number;
    readonly closedLate90Days: number;
  } | null;
  /** The latest retention sweep; null when the retention area is not installed or never swept. */
  readonly retention: {
    readonly lastSweepAt: string;
    readonly dryRun: boolean;
    readonly due: number;
    readonly erased: number;
    readonly blocked: number;
    readonly failed: number;
  } | null;
  /** Open incidents with their 72-hour clock; null when the register is not installed. */
  readonly incidents:
    | readonly {
        readonly id: string;
        readonly reference: string;
        readonly awareAt: string;
        readonly deadline: string;
        readonly notified: boolean;
        readonly remainingMs: number | null;
      }[]
    | null;
  /** Open alerts by severity, and alerts raised per day over 14 days; null when alerts are not installed. */
  readonly alerts: {
    readonly open: Readonly<Record<Severity, number>>;
    readonly daily: readonly { readonly day: string; readonly raised: number }[];
  } | null;
  readonly training: {
    readonly assigned: number;
    readonly completed: number;
    readonly overdue: number;
    readonly completionRate: number;
  };
  /** Score over the last 30 runs (oldest first), and the latest run's most severe findings. */
  readonly compliance: {
    readonly history: readonly { readonly at: string; readonly score: number }[];
    readonly latestRunId: string | null;
    readonly topFindings: readonly FindingView[];
  };
  /** Audit entries per purpose per day over 30 days (processing volume). */
  readonly processing: {
    readonly days: readonly string[];
    readonly purposes: readonly {
      readonly purpose: string;
      readonly total: number;
      readonly daily: readonly number[];
    }[];
  };
}

const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The DPO dashboard's summary, computed with set-based queries (grouped counts; no per-person rows are read):
 * consent rates, requests by deadline, retention, incidents and their clocks, alerts, training, compliance score,
 * processing volume per purpose.
 *
 * @example
 * const summary = await privacyDashboard({ db, compliance }, workspaceId, clock.now());
 */
export async function privacyDashboard(
  deps: { db: Kysely<Database>; compliance: Pick<ComplianceService, 'list' | 'latest'> },
  workspaceId: string,
  now: Date,
): Promise<PrivacyDashboard> {
  const db = deps.db;
  const f = foreign(db);
  const nowIso = now.toISOString();
  const tables = new Set((await db.introspection.getTables()).map((t) => t.name));

  // Consent: events per purpose, state and day over 12 weeks, and the current records per purpose, both grouped in the
  // database (a workspace may hold millions of consent records). Weeks start on the Monday of each ISO week.
  const from = new Date(now.getTime() - 84 * day).toISOString();
  const soon = new Date(now.getTime() + 30 * day).toISOString();
  const eventDay = sql<string>`substr(recorded_at, 1, 10)`;
  const events = await db
    .selectFrom('consent_events')
    .select(['purpose_key', 'state', eventDay.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('recorded_at', '>=', from)
    .where('state', 'in', ['given', 'renewed', 'withdrawn'])
    .groupBy(['purpose_key', 'state', eventDay])
    .execute();
  const validNow = sql<number>`case when state in ('given', 'renewed') and (expires_at is null or expires_at > ${sql.lit(nowIso)}) then 1 else 0 end`;
  const expiring = sql<number>`case when state in ('given', 'renewed') and expires_at > ${sql.lit(nowIso)} and expires_at <= ${sql.lit(soon)} then 1 else 0 end`;
  const records = await db
    .selectFrom('consent_records')
    .select([
      'purpose_key',
      (eb) => eb.fn.countAll<number>().as('records'),
      (eb) => eb.fn.sum<number>(validNow).as('valid'),
      (eb) => eb.fn.sum<number>(expiring).as('expiring'),
    ])
    .where('workspace_id', '=', workspaceId)
    .groupBy('purpose_key')
    .execute();
  const weekOf = (d: string) => {
    const t = Date.parse(`${d}T00:00:00.000Z`);
    return dayKey(t - ((new Date(t).getUTCDay() + 6) % 7) * day);
  };
  const purposeKeys = [
    ...new Set([...events.map((e) => e.purpose_key), ...records.map((r) => r.purpose_key)]),
  ].sort();
  const consent = purposeKeys.map((purpose) => {
    const weeks = new Map<string, { week: string; given: number; withdrawn: number }>();
    for (const e of events.filter((x) => x.purpose_key === purpose)) {
      const w = weekOf(e.day);
      const entry = weeks.get(w) ?? { week: w, given: 0, withdrawn: 0 };
      if (e.state === 'withdrawn') entry.withdrawn += Number(e.n);
      else entry.given += Number(e.n);
      weeks.set(w, entry);
    }
    const r = records.find((x) => x.purpose_key === purpose);
    const total = Number(r?.records ?? 0);
    const valid = Number(r?.valid ?? 0);
    return {
      purpose,
      rate: total === 0 ? 0 : valid / total,
      valid,
      records: total,
      expiringSoon: Number(r?.expiring ?? 0),
      weekly: [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week)),
    };
  });

  let requests: PrivacyDashboard['requests'] = null;
  if (tables.has('requests')) {
    const in7 = new Date(now.getTime() + 7 * day).toISOString();
    const in30 = new Date(now.getTime() + 30 * day).toISOString();
    // Literals, not parameters: the same expression is in SELECT and GROUP BY, and PostgreSQL compares them as text.
    const bucket = sql<string>`case when due_at < ${sql.lit(nowIso)} then 'overdue' when due_at <= ${sql.lit(in7)} then 'd7' when due_at <= ${sql.lit(in30)} then 'd30' else 'later' end`;
    const open = await f
      .selectFrom('requests')
      .select([bucket.as('bucket'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('status', 'not in', [...finalRequestStatusList])
      .groupBy(bucket)
      .execute();
    const inTime = sql<number>`case when coalesce(completed_at, closed_at) <= due_at then 1 else 0 end`;
    const closed = await f
      .selectFrom('requests')
      .select([inTime.as('in_time'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('status', 'in', [...finalRequestStatusList])
      .where('received_at', '>=', new Date(now.getTime() - 90 * day).toISOString())
      .groupBy(inTime)
      .execute();
    const count = (b: string) => Number(open.find((r) => r.bucket === b)?.n ?? 0);
    requests = {
      overdue: count('overdue'),
      dueIn7Days: count('d7'),
      dueIn30Days: count('d30'),
      later: count('later'),
      closedInTime90Days: Number(closed.find((r) => Number(r.in_time) === 1)?.n ?? 0),
      closedLate90Days: Number(closed.find((r) => Number(r.in_time) === 0)?.n ?? 0),
    };
  }

  let retention: PrivacyDashboard['retention'] = null;
  if (tables.has('retention_sweeps')) {
    const last = await f
      .selectFrom('retention_sweeps')
      .select(['started_at', 'dry_run', 'due', 'erased', 'blocked', 'failed'])
      .where('workspace_id', '=', workspaceId)
      .where('status', '!=', 'running')
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last)
      retention = {
        lastSweepAt: last.started_at,
        dryRun: last.dry_run === 1,
        due: Number(last.due),
        erased: Number(last.erased),
        blocked: Number(last.blocked),
        failed: Number(last.failed),
      };
  }

  let incidents: PrivacyDashboard['incidents'] = null;
  if (tables.has('incidents')) {
    const rows = await f
      .selectFrom('incidents')
      .select(['id', 'reference', 'aware_at', 'record'])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'open')
      .orderBy('aware_at')
      .limit(50)
      .execute();
    incidents = rows.map((r) => {
      const deadlineMs = Date.parse(r.aware_at) + hours72;
      const notified = incidentFacts(r.record).authorityNotifiedAt !== null;
      return {
        id: r.id,
        reference: r.reference,
        awareAt: r.aware_at,
        deadline: new Date(deadlineMs).toISOString(),
        notified,
        remainingMs: notified ? null : deadlineMs - now.getTime(),
      };
    });
  }

  let alerts: PrivacyDashboard['alerts'] = null;
  if (tables.has('alerts')) {
    const open = await f
      .selectFrom('alerts')
      .select(['severity', (eb) => eb.fn.countAll<number>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'open')
      .groupBy('severity')
      .execute();
    const raisedDay = sql<string>`substr(raised_at, 1, 10)`;
    const since = now.getTime() - 13 * day;
    const daily = await f
      .selectFrom('alerts')
      .select([raisedDay.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('raised_at', '>=', `${dayKey(since)}T00:00:00.000Z`)
      .groupBy(raisedDay)
      .execute();
    const bySeverity = { critical: 0, high: 0, medium: 0, low: 0 } as Record<Severity, number>;
    for (const r of open) if (r.severity in bySeverity) bySeverity[r.severity as Severity] = Number(r.n);
    alerts = {
      open: bySeverity,
      daily: Array.from({ length: 14 }, (_, i) => dayKey(since + i * day)).map((d) => ({
        day: d,
        raised: Number(daily.find((r) => r.day === d)?.n ?? 0),
      })),
    };
  }

  const overdueCase = sql<number>`case when completed_at is null and due_at < ${nowIso} then 1 else 0 end`;
  const t = await db
    .selectFrom('training_assignments')
    .select([
      (eb) => eb.fn.countAll<number>().as('assigned'),
      (eb) => eb.fn.count<number>('completed_at').as('completed'),
      (eb) => eb.fn.sum<number>(overdueCase).as('overdue'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('refreshed_at', 'is', null)
    .executeTakeFirst();
  const assigned = Number(t?.assigned ?? 0);
  const completed = Number(t?.completed ?? 0);
  const training = {
    assigned,
    completed,
    overdue: Number(t?.overdue ?? 0),
    completionRate: assigned === 0 ? 0 : Math.floor((completed * 100) / assigned),
  };

  const runs = await deps.compliance.list(workspaceId, { limit: 30 });
  const latest = await deps.compliance.latest(workspaceId);
  const compliance = {
    history: runs.map((r) => ({ at: r.finishedAt, score: r.score })).reverse(),
    latestRunId: latest?.id ?? null,
    topFindings: (latest?.items ?? []).slice(0, 8),
  };

  const first = now.getTime() - 29 * day;
  const days = Array.from({ length: 30 }, (_, i) => dayKey(first + i * day));
  const auditDay = sql<string>`substr(at, 1, 10)`;
  const volume = await db
    .selectFrom('audit_log')
    .select(['purpose', auditDay.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('at', '>=', `${days[0]}T00:00:00.000Z`)
    .where('purpose', 'is not', null)
    .groupBy(['purpose', auditDay])
    .execute();
  const perPurpose = new Map<string, number[]>();
  for (const r of volume) {
    const purpose = r.purpose ?? '';
    const series = perPurpose.get(purpose) ?? days.map(() => 0);
    const i = days.indexOf(r.day);
    if (i >= 0) series[i] = (series[i] ?? 0) + Number(r.n);
    perPurpose.set(purpose, series);
  }
  const processing = {
    days,
    purposes: [...perPurpose.entries()]
      .map(([purpose, daily]) => ({ purpose, total: daily.reduce((a, b) => a + b, 0), daily }))
      .sort((a, b) => b.total - a.total || a.purpose.localeCompare(b.purpose)),
  };

  return {
    generatedAt: nowIso,
    consent,
    requests,
    retention,
    incidents,
    alerts,
    training,
    compliance,
    processing,
  };
}
