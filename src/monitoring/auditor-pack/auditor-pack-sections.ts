import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { dpiaHtml } from '../../governance/dpia/dpia-export.ts';
import type { GovernanceArea } from '../../governance/organisation/governance-area.ts';
import { ropaHtml } from '../../governance/ropa/ropa-export.ts';
import { trainingCompletionReport } from '../../governance/training/training-reports.ts';
import { listCertificates, type ErasureCertificate } from '../../kernel/erasure/erasure-certificate.ts';
import { finalRequestStatusList, foreign, incidentFacts } from '../compliance/foreign-tables.ts';
import type { DateRange } from './date-range.ts';

/** One file of the pack, or a section left out with the reason. */
export type PackPart =
  | { readonly path: string; readonly description: string; readonly content: string }
  | { readonly omitted: string; readonly reason: string };

export interface SectionContext {
  readonly db: Kysely<Database>;
  readonly workspaceId: string;
  readonly range: DateRange;
  readonly now: Date;
  readonly tables: ReadonlySet<string>;
  readonly governance: Pick<GovernanceArea, 'ropa' | 'dpias'>;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const hours72 = 72 * 3_600_000;

/** Art. 30 record as it stood at the end of the range (the current one when no version is that old). */
export async function ropaSection(ctx: SectionContext): Promise<PackPart[]> {
  let snapshot;
  let note = 'as it stood at the end of the range';
  try {
    snapshot = await ctx.governance.ropa.asOf(
      ctx.db,
      ctx.workspaceId,
      new Date(Date.parse(ctx.range.endIso) - 1).toISOString(),
    );
  } catch {
    snapshot = await ctx.governance.ropa.record(ctx.db, ctx.workspaceId, 'read');
    note = 'current version (no version was recorded before the end of the range)';
  }
  return [
    {
      path: 'records-of-processing/ropa.json',
      description: `Records of processing (Art. 30), version ${snapshot.version}, ${note}`,
      content: json(snapshot),
    },
    {
      path: 'records-of-processing/ropa.html',
      description: 'Records of processing, printable',
      content: ropaHtml(snapshot),
    },
  ];
}

/** Every DPIA with its status and review date, as JSON, and each as a printable page. */
export async function dpiaSection(ctx: SectionContext): Promise<PackPart[]> {
  const dpias = await ctx.governance.dpias.listAll(ctx.db, ctx.workspaceId);
  const users = await ctx.db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('workspace_id', '=', ctx.workspaceId)
    .execute();
  const names = new Map(users.map((u) => [u.id, u.name]));
  return [
    {
      path: 'dpias/dpias.json',
      description: `Data protection impact assessments (Art. 35): ${dpias.length}`,
      content: json(dpias),
    },
    ...dpias.map((d) => ({
      path: `dpias/dpia-${d.id}.html`,
      description: `DPIA ${d.id} (${d.status}), printable`,
      content: dpiaHtml(d, names),
    })),
  ];
}

/** Consent events of the range per purpose, state and method, with how many cite a notice and how many are explicit. */
export async function consentSection(ctx: SectionContext): Promise<PackPart[]> {
  const rows = await ctx.db
    .selectFrom('consent_events')
    .select([
      'purpose_key',
      'state',
      'method',
      (eb) => eb.fn.countAll<number>().as('events'),
      (eb) => eb.fn.count<number>('notice_version').as('with_notice'),
      (eb) => eb.fn.sum<number>('explicit').as('explicit'),
      (eb) => eb.fn.count<number>('evidence').as('with_evidence'),
    ])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('recorded_at', '>=', ctx.range.startIso)
    .where('recorded_at', '<', ctx.range.endIso)
    .groupBy(['purpose_key', 'state', 'method'])
    .orderBy('purpose_key')
    .orderBy('state')
    .orderBy('method')
    .execute();
  const current = await ctx.db
    .selectFrom('consent_records')
    .select(['purpose_key', 'state', (eb) => eb.fn.countAll<number>().as('records')])
    .where('workspace_id', '=', ctx.workspaceId)
    .groupBy(['purpose_key', 'state'])
    .orderBy('purpose_key')
    .orderBy('state')
    .execute();
  const csv = stringify(
    rows.map((r) => [
      r.purpose_key,
      r.state,
      r.method,
      Number(r.events),
      Number(r.with_notice),
      Number(r.explicit ?? 0),
      Number(r.with_evidence),
    ]),
    {
      header: true,
      columns: [
        'purpose',
        'state',
        'method',
        'events',
        'citing_a_notice_version',
        'explicit',
        'with_evidence',
      ],
    },
  );
  return [
    {
      path: 'consent/consent-evidence-summary.csv',
      description:
        'Consent events in the range by purpose, state and method (Art. 7(1)); per-person evidence is exported from the Consents page',
      content: csv,
    },
    {
      path: 'consent/consent-records-now.json',
      description: 'Consent records per purpose and current state',
      content: json(
        current.map((c) => ({ purpose: c.purpose_key, state: c.state, records: Number(c.records) })),
      ),
    },
  ];
}

/** Requests received in the range with their deadline and whether it was met. */
export async function requestSection(ctx: SectionContext): Promise<PackPart[]> {
  if (!ctx.tables.has('requests'))
    return [{ omitted: 'request log', reason: 'the data subject requests area is not installed' }];
  const rows = await foreign(ctx.db)
    .selectFrom('requests')
    .select([
      'reference',
      'type',
      'channel',
      'status',
      'received_at',
      'original_due_at',
      'due_at',
      'extended_until',
      'completed_at',
      'closed_at',
    ])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('received_at', '>=', ctx.range.startIso)
    .where('received_at', '<', ctx.range.endIso)
    .orderBy('received_at')
    .execute();
  const nowIso = ctx.now.toISOString();
  const deadline = (r: (typeof rows)[number]) => {
    const closed = r.completed_at ?? r.closed_at;
    if ((finalRequestStatusList as readonly string[]).includes(r.status))
      return closed !== null && closed <= r.due_at ? 'met' : 'missed';
    return r.due_at < nowIso ? 'overdue' : 'open';
  };
  const csv = stringify(
    rows.map((r) => [
      r.reference,
      r.type,
      r.channel,
      r.status,
      r.received_at,
      r.original_due_at,
      r.due_at,
      r.extended_until ?? '',
      r.completed_at ?? r.closed_at ?? '',
      deadline(r),
    ]),
    {
      header: true,
      columns: [
        'reference',
        'type',
        'channel',
        'status',
        'received_at',
        'original_due_at',
        'due_at',
        'extended_until',
        'closed_at',
        'deadline',
      ],
    },
  );
  const met = rows.filter((r) => deadline(r) === 'met').length;
  return [
    {
      path: 'requests/request-log.csv',
      description: `Data subject requests received in the range: ${rows.length}, deadline met for ${met} closed in time (Art. 12(3))`,
      content: csv,
    },
  ];
}

/** Erasure certificates issued in the range (pseudonyms, key ids, steps; no personal data). */
export async function erasureSection(ctx: SectionContext): Promise<PackPart[]> {
  const out: ErasureCertificate[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await listCertificates(ctx.db, ctx.workspaceId, {
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items.filter((c) => c.issuedAt >= ctx.range.startIso && c.issuedAt < ctx.range.endIso));
    const last = page.items[page.items.length - 1];
    if (!page.nextCursor || !last || last.issuedAt < ctx.range.startIso) break;
    cursor = page.nextCursor;
  }
  return [
    {
      path: 'erasure/erasure-certificates.json',
      description: `Signed erasure certificates issued in the range: ${out.length} (Art. 17, 5(2))`,
      content: json(out),
    },
  ];
}

/** The breach register (Art. 33(5)): incidents aware in the range or still open, with the 72-hour outcome. */
export async function breachSection(ctx: SectionContext): Promise<PackPart[]> {
  if (!ctx.tables.has('incidents'))
    return [{ omitted: 'breach register', reason: 'the incident register is not installed' }];
  const rows = await foreign(ctx.db)
    .selectFrom('incidents')
    .select(['reference', 'title', 'status', 'occurred_from', 'aware_at', 'record', 'closed_at'])
    .where('workspace_id', '=', ctx.workspaceId)
    .where((eb) =>
      eb.or([
        eb.and([eb('aware_at', '>=', ctx.range.startIso), eb('aware_at', '<', ctx.range.endIso)]),
        eb('status', '=', 'open'),
      ]),
    )
    .orderBy('aware_at')
    .execute();
  const register = rows.map((r) => {
    const f = incidentFacts(r.record);
    const deadline = new Date(Date.parse(r.aware_at) + hours72).toISOString();
    const notified = f.authorityNotifiedAt;
    return {
      reference: r.reference,
      title: r.title,
      status: r.status,
      occurredFrom: r.occurred_from,
      awareAt: r.aware_at,
      notificationDeadline: deadline,
      authorityNotifiedAt: notified,
      notifiedInTime: notified === null ? null : notified <= deadline,
      peopleNotifiedAt: f.peopleNotifiedAt,
      noNotificationReason: f.noNotificationReason || null,
      affectedPeople: f.scope?.people ?? null,
      affectedRecords: f.scope?.records ?? null,
      closedAt: r.closed_at,
    };
  });
  const csv = stringify(
    register.map((r) => [
      r.reference,
      r.status,
      r.occurredFrom,
      r.awareAt,
      r.notificationDeadline,
      r.authorityNotifiedAt ?? '',
      r.notifiedInTime ?? '',
      r.peopleNotifiedAt ?? '',
      r.affectedPeople ?? '',
      r.affectedRecords ?? '',
      r.closedAt ?? '',
    ]),
    {
      header: true,
      columns: [
        'reference',
        'status',
        'occurred_from',
        'aware_at',
        'deadline',
        'authority_notified_at',
        'in_time',
        'people_notified_at',
        'people',
        'records',
        'closed_at',
      ],
    },
  );
  return [
    {
      path: 'breaches/breach-register.json',
      description: `Incident and breach register (Art. 33(5)): ${register.length} incidents`,
      content: json(register),
    },
    { path: 'breaches/breach-register.csv', description: 'Breach register as CSV', content: csv },
  ];
}

/** Training completion per module and role at the end of the range (counts only). */
export async function trainingSection(ctx: SectionContext): Promise<PackPart[]> {
  const at = new Date(Math.min(ctx.now.getTime(), Date.parse(ctx.range.endIso)));
  const rows = await trainingCompletionReport(ctx.db, ctx.workspaceId, at);
  const csv = stringify(
    rows.map((r) => [r.moduleTitle, r.roleKey, r.assigned, r.completed, r.overdue, r.completionRate]),
    {
      header: true,
      columns: ['module', 'role', 'assigned', 'completed', 'overdue', 'completion_rate_percent'],
    },
  );
  return [
    {
      path: 'training/training-completion.csv',
      description: 'Staff training completion per module and role (Art. 39(1)(b))',
      content: csv,
    },
  ];
}
