import { isEea } from '../../../governance/transfers/adequacy-decisions.ts';
import { transferFlags } from '../../../governance/transfers/transfer-flags.ts';
import { daysBefore, type CheckContext, type ComplianceCheck } from '../compliance-check.ts';

const processorsLink = '/governance/processors';
const transfersLink = '/governance/transfers';
const dpiasLink = '/governance/dpias';

interface ProcessorRecord {
  readonly agreement?: { readonly signedOn?: string | null } | null;
  readonly countries?: readonly string[];
}

async function processors(ctx: CheckContext) {
  const rows = await ctx.db
    .selectFrom('governance_processors')
    .select(['id', 'role', 'complete', 'review_on', 'agreement_expires_on', 'record'])
    .where('workspace_id', '=', ctx.workspaceId)
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    let record: ProcessorRecord = {};
    try {
      record = JSON.parse(r.record) as ProcessorRecord;
    } catch {
      record = {};
    }
    return { ...r, record };
  });
}

async function transfers(ctx: CheckContext) {
  const rows = await ctx.db
    .selectFrom('governance_transfers')
    .select(['id', 'processor_id', 'country', 'tool', 'expires_on', 'record'])
    .where('workspace_id', '=', ctx.workspaceId)
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    let tiaReference: string | null = null;
    try {
      tiaReference = (JSON.parse(r.record) as { tiaReference?: string | null }).tiaReference ?? null;
    } catch {
      tiaReference = null;
    }
    return {
      ...r,
      flags: transferFlags(
        { country: r.country, tool: r.tool as never, tiaReference, expiresOn: r.expires_on },
        ctx.today,
      ),
    };
  });
}

const needsAgreement = new Set(['processor', 'sub_processor', 'joint_controller']);

/** Checks over the governance registers: processors, transfers, DPIAs, organisation (Art. 26, 28, 35, 37, 44-49). */
export const governanceChecks: readonly ComplianceCheck[] = [
  {
    key: 'processor.no-agreement',
    group: 'governance',
    title: 'A processor or joint controller has no signed agreement on record',
    severity: 'high',
    reference: 'GDPR Art. 28(3), 26(1)',
    fixLink: processorsLink,
    async run(ctx) {
      return (await processors(ctx))
        .filter((p) => needsAgreement.has(p.role) && !p.record.agreement?.signedOn)
        .map((p) => ({ subject: `processor:${p.id}`, evidence: { processorId: p.id, role: p.role } }));
    },
  },
  {
    key: 'processor.agreement-expired',
    group: 'governance',
    title: 'A processing agreement has expired',
    severity: 'high',
    reference: 'GDPR Art. 28(3)',
    fixLink: processorsLink,
    async run(ctx) {
      return (await processors(ctx))
        .filter((p) => p.agreement_expires_on !== null && p.agreement_expires_on < ctx.today)
        .map((p) => ({
          subject: `processor:${p.id}`,
          evidence: { processorId: p.id, expiredOn: p.agreement_expires_on },
        }));
    },
  },
  {
    key: 'processor.incomplete',
    group: 'governance',
    title: 'A processor record is an incomplete draft (required items missing)',
    severity: 'medium',
    reference: 'GDPR Art. 30(1)(d), 28',
    fixLink: processorsLink,
    async run(ctx) {
      return (await processors(ctx))
        .filter((p) => p.complete !== 1)
        .map((p) => ({ subject: `processor:${p.id}`, evidence: { processorId: p.id, role: p.role } }));
    },
  },
  {
    key: 'processor.review-overdue',
    group: 'governance',
    title: 'A processor review date has passed',
    severity: 'low',
    reference: 'GDPR Art. 28(1), 32(1)(d)',
    fixLink: processorsLink,
    async run(ctx) {
      return (await processors(ctx))
        .filter((p) => p.review_on !== null && p.review_on < ctx.today)
        .map((p) => ({
          subject: `processor:${p.id}`,
          evidence: { processorId: p.id, reviewOn: p.review_on },
        }));
    },
  },
  {
    key: 'transfer.missing-tool',
    group: 'governance',
    title:
      'A processor handles data outside the EEA and no transfer records a Chapter V tool for that country',
    severity: 'critical',
    reference: 'GDPR Art. 44-46',
    fixLink: transfersLink,
    async run(ctx) {
      const [ps, ts] = await Promise.all([processors(ctx), transfers(ctx)]);
      const covered = new Set(ts.map((t) => `${t.processor_id}:${t.country}`));
      return ps.flatMap((p) =>
        (p.record.countries ?? [])
          .filter((c) => !isEea(c) && !covered.has(`${p.id}:${c}`))
          .map((c) => ({ subject: `processor:${p.id}:${c}`, evidence: { processorId: p.id, country: c } })),
      );
    },
  },
  {
    key: 'transfer.tool-unfit',
    group: 'governance',
    title: 'A transfer tool does not fit its destination (no adequacy decision in force, DPF outside the US)',
    severity: 'critical',
    reference: 'GDPR Art. 45-46',
    fixLink: transfersLink,
    async run(ctx) {
      return (await transfers(ctx))
        .filter((t) => t.flags.includes('tool_unfit'))
        .map((t) => ({
          subject: `transfer:${t.id}`,
          evidence: { transferId: t.id, country: t.country, tool: t.tool },
        }));
    },
  },
  {
    key: 'transfer.no-tia',
    group: 'governance',
    title: 'A transfer under SCCs or BCRs has no transfer impact assessment reference',
    severity: 'high',
    reference: 'GDPR Art. 46; CJEU C-311/18; EDPB Recommendations 01/2020',
    fixLink: transfersLink,
    async run(ctx) {
      return (await transfers(ctx))
        .filter((t) => t.flags.includes('no_tia'))
        .map((t) => ({
          subject: `transfer:${t.id}`,
          evidence: { transferId: t.id, country: t.country, tool: t.tool },
        }));
    },
  },
  {
    key: 'transfer.expired',
    group: 'governance',
    title: 'A transfer tool has expired',
    severity: 'high',
    reference: 'GDPR Art. 44',
    fixLink: transfersLink,
    async run(ctx) {
      return (await transfers(ctx))
        .filter((t) => t.flags.includes('expired'))
        .map((t) => ({
          subject: `transfer:${t.id}`,
          evidence: { transferId: t.id, country: t.country, expiredOn: t.expires_on },
        }));
    },
  },
  {
    key: 'dpia.review-due',
    group: 'governance',
    title: 'A signed DPIA is past its review date, or has none',
    severity: 'medium',
    reference: 'GDPR Art. 35(11)',
    fixLink: dpiasLink,
    async run(ctx) {
      const rows = await ctx.db
        .selectFrom('governance_dpias')
        .select(['id', 'review_on'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('status', '=', 'signed')
        .where((eb) => eb.or([eb('review_on', 'is', null), eb('review_on', '<', ctx.today)]))
        .orderBy('id')
        .execute();
      return rows.map((d) => ({
        subject: `dpia:${d.id}`,
        evidence: { dpiaId: d.id, reviewOn: d.review_on },
      }));
    },
  },
  {
    key: 'dpia.draft-stale',
    group: 'governance',
    title: 'A DPIA has stayed a draft for more than 90 days',
    severity: 'low',
    reference: 'GDPR Art. 35(1) (assessment before the processing)',
    fixLink: dpiasLink,
    async run(ctx) {
      const rows = await ctx.db
        .selectFrom('governance_dpias')
        .select(['id', 'updated_at'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('status', '=', 'draft')
        .where('updated_at', '<', daysBefore(ctx.now, 90))
        .orderBy('id')
        .execute();
      return rows.map((d) => ({
        subject: `dpia:${d.id}`,
        evidence: { dpiaId: d.id, updatedAt: d.updated_at },
      }));
    },
  },
  {
    key: 'dpia.special-purpose-without-dpia',
    group: 'governance',
    title: 'An active purpose processing special-category data is covered by no signed DPIA',
    severity: 'medium',
    reference: 'GDPR Art. 35(3)(b)',
    fixLink: dpiasLink,
    async run(ctx) {
      const [purposes, dpias] = await Promise.all([
        ctx.db
          .selectFrom('purposes')
          .select('key')
          .where('workspace_id', '=', ctx.workspaceId)
          .where('active', '=', 1)
          .where('art9_condition', 'is not', null)
          // Answering a person's own request is not high-risk processing of their special data (ADR 0034).
          .where('answers_requests', '=', 0)
          .orderBy('key')
          .execute(),
        ctx.db
          .selectFrom('governance_dpias')
          .select('record')
          .where('workspace_id', '=', ctx.workspaceId)
          .where('status', '=', 'signed')
          .execute(),
      ]);
      const covered = new Set(
        dpias.flatMap((d) => {
          try {
            const keys = (JSON.parse(d.record) as { context?: { purposeKeys?: unknown } }).context
              ?.purposeKeys;
            return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
          } catch {
            return [];
          }
        }),
      );
      return purposes
        .filter((p) => !covered.has(p.key))
        .map((p) => ({ subject: `purpose:${p.key}`, evidence: { purpose: p.key } }));
    },
  },
  {
    key: 'organisation.no-dpo',
    group: 'governance',
    title: 'No data protection officer contact is recorded',
    severity: 'medium',
    reference: 'GDPR Art. 37(7), 13(1)(b)',
    fixLink: '/governance/organisation',
    async run(ctx) {
      const latest = await ctx.db
        .selectFrom('governance_organisation_versions')
        .select(['version', 'data'])
        .where('workspace_id', '=', ctx.workspaceId)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      let dpo: unknown = null;
      try {
        dpo = latest ? (JSON.parse(latest.data) as { dpo?: unknown }).dpo : null;
      } catch {
        dpo = null;
      }
      return dpo
        ? []
        : [{ subject: 'workspace', evidence: { organisationVersion: latest?.version ?? null } }];
    },
  },
];
