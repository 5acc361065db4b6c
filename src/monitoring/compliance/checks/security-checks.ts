import { daysBefore, type ComplianceCheck } from '../compliance-check.ts';
import { jobStale } from '../job-staleness.ts';

/** Checks over the audit chain, the encryption keys and the scheduled jobs (Art. 5(2), 32). */
export const securityChecks: readonly ComplianceCheck[] = [
  {
    key: 'audit.chain-broken',
    group: 'security',
    title: 'The audit log hash chain does not verify (an entry was changed, removed or the tail cut)',
    severity: 'critical',
    reference: 'GDPR Art. 5(2), 30, 32(1)(b)',
    fixLink: '/audit',
    async run(ctx) {
      const result = await ctx.auditChain();
      return result.ok
        ? []
        : [
            {
              subject: 'audit-chain',
              evidence: {
                entriesVerified: result.entries,
                firstBadSeq: result.firstBad?.seq ?? null,
                reason: result.firstBad?.reason ?? null,
              },
            },
          ];
    },
  },
  {
    key: 'audit.checkpoint-stale',
    group: 'security',
    title: 'No signed audit checkpoint was written in the last two days',
    severity: 'medium',
    reference: 'GDPR Art. 5(2) (accountability)',
    fixLink: '/audit',
    requires: ['job_runs'],
    run: (ctx) => jobStale(ctx, 'audit.checkpoint', 2),
  },
  {
    key: 'keys.rotation-pending',
    group: 'security',
    title: 'Data keys are still wrapped under an older key-encryption key (a rotation is unfinished)',
    severity: 'medium',
    reference: 'GDPR Art. 32(1)(a)',
    fixLink: '/settings',
    async run(ctx) {
      const keys = await ctx.dataKeys();
      const pending = keys.byKekVersion
        .filter((k) => k.kekVersion !== keys.currentKekVersion)
        .reduce((n, k) => n + k.keys, 0);
      return pending > 0
        ? [{ subject: 'kek', evidence: { currentKekVersion: keys.currentKekVersion, pendingKeys: pending } }]
        : [];
    },
  },
  {
    key: 'keys.data-key-age',
    group: 'security',
    title: 'Live data keys are older than three years',
    severity: 'low',
    reference: 'GDPR Art. 32(1)(a); NIST SP 800-57 cryptoperiods',
    fixLink: '/settings',
    async run(ctx) {
      const keys = (await ctx.dataKeys()).byKekVersion;
      const n = keys.reduce((sum, k) => sum + k.olderThanThreeYears, 0);
      const oldest =
        keys
          .map((k) => k.oldestCreatedAt)
          .filter((v): v is string => v !== null)
          .sort()[0] ?? null;
      return n > 0 ? [{ subject: 'data-keys', evidence: { keys: n, oldestCreatedAt: oldest } }] : [];
    },
  },
  {
    key: 'keys.person-without-key',
    group: 'security',
    title: 'People are stored without a live data key (their data cannot be encrypted per person)',
    severity: 'critical',
    reference: 'GDPR Art. 32(1)(a)',
    fixLink: '/people',
    async run(ctx) {
      const row = await ctx.db
        .selectFrom('persons as p')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('p.workspace_id', '=', ctx.workspaceId)
        .where('p.erased_at', 'is', null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('person_keys as k')
                .select('k.id')
                .whereRef('k.workspace_id', '=', 'p.workspace_id')
                .whereRef('k.person_id', '=', 'p.id')
                .where('k.destroyed_at', 'is', null),
            ),
          ),
        )
        .executeTakeFirst();
      const n = Number(row?.n ?? 0);
      return n > 0 ? [{ subject: 'people', evidence: { people: n } }] : [];
    },
  },
  {
    key: 'jobs.failed-recently',
    group: 'security',
    title: 'A scheduled job failed in the last 24 hours',
    severity: 'medium',
    reference: 'GDPR Art. 32(1)(b)-(c) (resilience)',
    fixLink: '/settings',
    requires: ['job_runs'],
    async run(ctx) {
      const rows = await ctx.db
        .selectFrom('job_runs')
        .select([
          'name',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.max('started_at').as('last'),
        ])
        .where('outcome', '=', 'failed')
        .where('started_at', '>=', daysBefore(ctx.now, 1))
        .groupBy('name')
        .orderBy('name')
        .execute();
      return rows.map((r) => ({
        subject: `job:${r.name}`,
        evidence: { job: r.name, failures: Number(r.n), lastFailedAt: r.last as string },
      }));
    },
  },
];
