import { daysBefore, type CheckContext, type ComplianceCheck } from '../compliance-check.ts';
import { foreign } from '../foreign-tables.ts';

const fix = '/retention';

async function activePolicies(ctx: CheckContext) {
  return foreign(ctx.db)
    .selectFrom('retention_policies')
    .select(['id', 'category', 'purpose_key'])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('active', '=', 1)
    .execute();
}

/** Checks over retention policies and sweeps (Art. 5(1)(e)). */
export const retentionChecks: readonly ComplianceCheck[] = [
  {
    key: 'retention.no-active-policy',
    group: 'retention',
    title: 'No active retention policy: nothing is ever erased on time',
    severity: 'high',
    reference: 'GDPR Art. 5(1)(e)',
    fixLink: fix,
    requires: ['retention_policies'],
    async run(ctx) {
      return (await activePolicies(ctx)).length === 0
        ? [{ subject: 'workspace', evidence: { activePolicies: 0 } }]
        : [];
    },
  },
  {
    key: 'retention.purpose-without-policy',
    group: 'retention',
    title: 'An active purpose is covered by no active retention policy',
    severity: 'medium',
    reference: 'GDPR Art. 5(1)(e), 13(2)(a)',
    fixLink: fix,
    requires: ['retention_policies'],
    async run(ctx) {
      const [policies, purposes] = await Promise.all([
        activePolicies(ctx),
        ctx.db
          .selectFrom('purposes')
          .select('key')
          .where('workspace_id', '=', ctx.workspaceId)
          .where('active', '=', 1)
          .orderBy('key')
          .execute(),
      ]);
      if (policies.some((p) => p.purpose_key === null && p.category === null)) return [];
      const covered = new Set(policies.map((p) => p.purpose_key).filter((k): k is string => k !== null));
      return purposes
        .filter((p) => !covered.has(p.key))
        .map((p) => ({ subject: `purpose:${p.key}`, evidence: { purpose: p.key } }));
    },
  },
  {
    key: 'retention.sweep-not-run',
    group: 'retention',
    title: 'No retention sweep has completed in the last two days',
    severity: 'high',
    reference: 'GDPR Art. 5(1)(e)',
    fixLink: fix,
    requires: ['retention_sweeps'],
    async run(ctx) {
      const last = await foreign(ctx.db)
        .selectFrom('retention_sweeps')
        .select((eb) => eb.fn.max('started_at').as('at'))
        .where('workspace_id', '=', ctx.workspaceId)
        .where('dry_run', '=', 0)
        .where('status', '=', 'completed')
        .executeTakeFirst();
      const at = (last?.at as string | null | undefined) ?? null;
      return at !== null && at >= daysBefore(ctx.now, 2)
        ? []
        : [{ subject: 'workspace', evidence: { lastCompletedSweepAt: at } }];
    },
  },
  {
    key: 'retention.sweep-failed',
    group: 'retention',
    title: 'The latest retention sweep failed, or failed to erase some people',
    severity: 'medium',
    reference: 'GDPR Art. 5(1)(e), 17',
    fixLink: fix,
    requires: ['retention_sweeps'],
    async run(ctx) {
      const last = await foreign(ctx.db)
        .selectFrom('retention_sweeps')
        .select(['id', 'status', 'failed', 'started_at'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('dry_run', '=', 0)
        .where('status', '!=', 'running')
        .orderBy('started_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return last && (last.status === 'failed' || Number(last.failed) > 0)
        ? [
            {
              subject: `sweep:${last.id}`,
              evidence: {
                sweepId: last.id,
                status: last.status,
                failed: Number(last.failed),
                startedAt: last.started_at,
              },
            },
          ]
        : [];
    },
  },
];
