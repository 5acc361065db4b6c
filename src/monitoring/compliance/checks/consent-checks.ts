import type { ComplianceCheck } from '../compliance-check.ts';
import { jobStale } from '../job-staleness.ts';

/** Checks over consent records, notices and the consent jobs (Art. 7, 13). */
export const consentChecks: readonly ComplianceCheck[] = [
  {
    key: 'consent.expired-still-valid',
    group: 'consent',
    title: 'Consents past their expiry are still recorded as valid (processing may go on without consent)',
    severity: 'high',
    reference: 'GDPR Art. 7, 6(1)(a); EDPB Guidelines 05/2020',
    fixLink: '/consents',
    async run(ctx) {
      const rows = await ctx.db
        .selectFrom('consent_records')
        .select([
          'purpose_key',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.min('expires_at').as('oldest'),
        ])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('state', 'in', ['given', 'renewed'])
        .where('expires_at', '<', ctx.now.toISOString())
        .groupBy('purpose_key')
        .orderBy('purpose_key')
        .execute();
      return rows.map((r) => ({
        subject: `purpose:${r.purpose_key}`,
        evidence: { purpose: r.purpose_key, records: Number(r.n), oldestExpiry: r.oldest },
      }));
    },
  },
  {
    key: 'consent.notice-not-published',
    group: 'consent',
    title: 'An active consent-based purpose has no published privacy notice',
    severity: 'high',
    reference: 'GDPR Art. 7(2), 13',
    fixLink: '/notices',
    async run(ctx) {
      const rows = await ctx.db
        .selectFrom('purposes as p')
        .select('p.key')
        .where('p.workspace_id', '=', ctx.workspaceId)
        .where('p.active', '=', 1)
        .where('p.lawful_basis', '=', 'consent')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('privacy_notices as n')
                .innerJoin('notice_versions as v', (j) =>
                  j.onRef('v.notice_id', '=', 'n.id').onRef('v.workspace_id', '=', 'n.workspace_id'),
                )
                .select('v.id')
                .whereRef('n.workspace_id', '=', 'p.workspace_id')
                .whereRef('n.purpose_key', '=', 'p.key')
                .where('v.status', '=', 'published'),
            ),
          ),
        )
        .orderBy('p.key')
        .execute();
      return rows.map((r) => ({ subject: `purpose:${r.key}`, evidence: { purpose: r.key } }));
    },
  },
  {
    key: 'consent.special-not-explicit',
    group: 'consent',
    title:
      'Consents for a purpose relying on explicit consent (Art. 9(2)(a)) were recorded without the explicit flag',
    severity: 'high',
    reference: 'GDPR Art. 9(2)(a)',
    fixLink: '/consents',
    async run(ctx) {
      const rows = await ctx.db
        .selectFrom('consent_events as e')
        .innerJoin('purposes as p', (j) =>
          j.onRef('p.workspace_id', '=', 'e.workspace_id').onRef('p.key', '=', 'e.purpose_key'),
        )
        .select(['e.purpose_key', (eb) => eb.fn.countAll<number>().as('n')])
        .where('e.workspace_id', '=', ctx.workspaceId)
        .where('p.art9_condition', '=', 'explicit_consent')
        .where('e.state', 'in', ['given', 'renewed'])
        .where('e.explicit', '=', 0)
        .groupBy('e.purpose_key')
        .orderBy('e.purpose_key')
        .execute();
      return rows.map((r) => ({
        subject: `purpose:${r.purpose_key}`,
        evidence: { purpose: r.purpose_key, events: Number(r.n) },
      }));
    },
  },
  {
    key: 'consent.expiry-job-stale',
    group: 'consent',
    title: 'The consent expiry job has not completed in the last two days',
    severity: 'medium',
    reference: 'GDPR Art. 7(3); good practice',
    fixLink: '/settings',
    requires: ['job_runs'],
    async run(ctx) {
      return jobStale(ctx, 'consent.expiry', 2);
    },
  },
];
