import fs from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import { complianceReportCsv, complianceReportHtml } from '../monitoring/compliance/compliance-report.ts';
import { openCliContext } from './cli-context.ts';

/**
 * `custodian compliance run [--workspace ID] [--format text|json|csv|html] [--output FILE]`: runs every compliance
 * check now (kept and audited like a scheduled run) and prints the score, the change since the previous run and the
 * findings. Exit 0 whatever the findings: the score is the result, not an error.
 *
 * @example
 * registerComplianceCommand(program);
 */
export function registerComplianceCommand(program: Command): void {
  const compliance = program.command('compliance').description('automated compliance audits');
  compliance
    .command('run')
    .description('run every compliance check now and report the findings')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .option('--format <format>', 'text, json, csv or html', 'text')
    .option('--output <file>', 'write the report to this file instead of standard output')
    .action(async (options: { workspace?: string; format: string; output?: string }) => {
      if (!['text', 'json', 'csv', 'html'].includes(options.format))
        throw new AppError('VALIDATION_FAILED', { detail: '--format must be text, json, csv or html' });
      const ctx = await openCliContext();
      try {
        let query = ctx.db.kysely.selectFrom('workspaces').select('id').orderBy('created_at').limit(1);
        if (options.workspace) query = query.where('id', '=', options.workspace);
        const workspace = await query.executeTakeFirst();
        if (!workspace) throw new AppError('NOT_FOUND', { resource: 'workspace' });
        const service = ctx.services.compliance;
        const report = await service.run(
          { workspaceId: workspace.id, actor: { type: 'system', id: 'cli' } },
          'cli',
        );
        const diff = await service.compare(workspace.id, report.id);
        let text: string;
        if (options.format === 'json') text = `${JSON.stringify({ report, comparison: diff }, null, 2)}\n`;
        else if (options.format === 'csv') text = complianceReportCsv(report);
        else if (options.format === 'html') text = complianceReportHtml(report, diff);
        else {
          const s = report.bySeverity;
          const lines = [
            `Compliance score ${report.score}/100: ${report.checksRun} checks, ${report.checksFailed} with findings (${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low).`,
            diff.previousRunId
              ? `Since the previous run (score ${diff.previousScore}): ${diff.newFindings.length} new, ${diff.resolvedFindings.length} resolved.`
              : 'First run.',
            ...report.items.map(
              (f) => `  [${f.severity}] ${f.checkKey} ${f.subject}: ${f.title} (fix at ${f.fixLink})`,
            ),
          ];
          text = `${lines.join('\n')}\n`;
        }
        if (options.output) {
          fs.writeFileSync(options.output, text);
          console.log(`Compliance score ${report.score}/100; report written to ${options.output}.`);
        } else process.stdout.write(text);
      } finally {
        await ctx.close();
      }
    });
}
