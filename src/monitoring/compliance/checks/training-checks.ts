import type { ComplianceCheck } from '../compliance-check.ts';

/** Checks over staff training (Art. 39(1)(b), 32(4)). */
export const trainingChecks: readonly ComplianceCheck[] = [
  {
    key: 'training.overdue',
    group: 'training',
    title: 'Staff training assignments are overdue',
    severity: 'medium',
    reference: 'GDPR Art. 39(1)(b), 32(4)',
    fixLink: '/training',
    async run(ctx) {
      const rows = await ctx.db
        .selectFrom('training_assignments')
        .select([
          'module_id',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.min('due_at').as('oldest'),
        ])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('completed_at', 'is', null)
        .where('refreshed_at', 'is', null)
        .where('due_at', '<', ctx.now.toISOString())
        .groupBy('module_id')
        .orderBy('module_id')
        .execute();
      return rows.map((r) => ({
        subject: `module:${r.module_id}`,
        evidence: { moduleId: r.module_id, overdue: Number(r.n), oldestDueAt: r.oldest as string },
      }));
    },
  },
  {
    key: 'training.no-rules',
    group: 'training',
    title: 'No training rule assigns data-protection training to any role',
    severity: 'low',
    reference: 'GDPR Art. 39(1)(b)',
    fixLink: '/training',
    async run(ctx) {
      const row = await ctx.db
        .selectFrom('training_rules')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', ctx.workspaceId)
        .executeTakeFirst();
      return Number(row?.n ?? 0) === 0 ? [{ subject: 'workspace', evidence: { rules: 0 } }] : [];
    },
  },
];
