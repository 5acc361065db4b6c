import { daysBefore, type ComplianceCheck } from '../compliance-check.ts';
import { finalRequestStatusList, foreign, incidentFacts } from '../foreign-tables.ts';

const hours72 = 72 * 3_600_000;

/** Checks over data subject requests, alerts and incidents (Art. 12(3), 33, 34). */
export const responseChecks: readonly ComplianceCheck[] = [
  {
    key: 'requests.overdue',
    group: 'response',
    title: 'A data subject request is past its deadline',
    severity: 'high',
    reference: 'GDPR Art. 12(3)',
    fixLink: '/requests',
    requires: ['requests'],
    async run(ctx) {
      const rows = await foreign(ctx.db)
        .selectFrom('requests')
        .select(['id', 'reference', 'type', 'due_at'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('status', 'not in', [...finalRequestStatusList])
        .where('due_at', '<', ctx.now.toISOString())
        .orderBy('due_at')
        .execute();
      return rows.map((r) => ({
        subject: `request:${r.id}`,
        evidence: { requestId: r.id, reference: r.reference, type: r.type, dueAt: r.due_at },
        fixLink: `/requests/${r.id}`,
      }));
    },
  },
  {
    key: 'requests.due-soon',
    group: 'response',
    title: 'A data subject request is due within seven days',
    severity: 'medium',
    reference: 'GDPR Art. 12(3)',
    fixLink: '/requests',
    requires: ['requests'],
    async run(ctx) {
      const soon = new Date(ctx.now.getTime() + 7 * 86_400_000).toISOString();
      const rows = await foreign(ctx.db)
        .selectFrom('requests')
        .select(['id', 'reference', 'type', 'due_at'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('status', 'not in', [...finalRequestStatusList])
        .where('due_at', '>=', ctx.now.toISOString())
        .where('due_at', '<=', soon)
        .orderBy('due_at')
        .execute();
      return rows.map((r) => ({
        subject: `request:${r.id}`,
        evidence: { requestId: r.id, reference: r.reference, type: r.type, dueAt: r.due_at },
        fixLink: `/requests/${r.id}`,
      }));
    },
  },
  {
    key: 'requests.identity-stalled',
    group: 'response',
    title: 'A request has waited more than 14 days for identity verification',
    severity: 'low',
    reference: 'GDPR Art. 12(6)',
    fixLink: '/requests',
    requires: ['requests'],
    async run(ctx) {
      const rows = await foreign(ctx.db)
        .selectFrom('requests')
        .select(['id', 'reference', 'received_at'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('status', '=', 'identity_unverified')
        .where('received_at', '<', daysBefore(ctx.now, 14))
        .orderBy('received_at')
        .execute();
      return rows.map((r) => ({
        subject: `request:${r.id}`,
        evidence: { requestId: r.id, reference: r.reference, receivedAt: r.received_at },
        fixLink: `/requests/${r.id}`,
      }));
    },
  },
  {
    key: 'incidents.unnotified-past-72h',
    group: 'response',
    title:
      'An open incident is past 72 hours from awareness with neither a notification nor a reason not to notify',
    severity: 'critical',
    reference: 'GDPR Art. 33(1), 33(5)',
    fixLink: '/incidents',
    requires: ['incidents'],
    async run(ctx) {
      const rows = await foreign(ctx.db)
        .selectFrom('incidents')
        .select(['id', 'reference', 'aware_at', 'record'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('status', '=', 'open')
        .where('aware_at', '<', new Date(ctx.now.getTime() - hours72).toISOString())
        .orderBy('aware_at')
        .execute();
      return rows
        .filter((r) => {
          const f = incidentFacts(r.record);
          return f.authorityNotifiedAt === null && f.noNotificationReason.trim() === '';
        })
        .map((r) => ({
          subject: `incident:${r.id}`,
          evidence: {
            incidentId: r.id,
            reference: r.reference,
            awareAt: r.aware_at,
            deadline: new Date(Date.parse(r.aware_at) + hours72).toISOString(),
          },
          fixLink: `/incidents/${r.id}`,
        }));
    },
  },
  {
    key: 'incidents.open-stale',
    group: 'response',
    title: 'An incident has stayed open for more than 30 days',
    severity: 'low',
    reference: 'GDPR Art. 33(5) (documentation of remedial action)',
    fixLink: '/incidents',
    requires: ['incidents'],
    async run(ctx) {
      const rows = await foreign(ctx.db)
        .selectFrom('incidents')
        .select(['id', 'reference', 'created_at'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('status', '=', 'open')
        .where('created_at', '<', daysBefore(ctx.now, 30))
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        subject: `incident:${r.id}`,
        evidence: { incidentId: r.id, reference: r.reference, openedAt: r.created_at },
        fixLink: `/incidents/${r.id}`,
      }));
    },
  },
  {
    key: 'alerts.high-unacknowledged',
    group: 'response',
    title: 'A high or critical alert has stayed unacknowledged for more than 24 hours',
    severity: 'high',
    reference: 'GDPR Art. 32(1)(d), 33(1) (awareness)',
    fixLink: '/alerts',
    requires: ['alerts'],
    async run(ctx) {
      const rows = await foreign(ctx.db)
        .selectFrom('alerts')
        .select(['id', 'rule', 'severity', 'raised_at', 'hits'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('status', '=', 'open')
        .where('severity', 'in', ['high', 'critical'])
        .where('raised_at', '<', daysBefore(ctx.now, 1))
        .orderBy('raised_at')
        .execute();
      return rows.map((r) => ({
        subject: `alert:${r.id}`,
        evidence: {
          alertId: r.id,
          rule: r.rule,
          severity: r.severity,
          raisedAt: r.raised_at,
          hits: Number(r.hits),
        },
        fixLink: `/alerts`,
      }));
    },
  },
];
