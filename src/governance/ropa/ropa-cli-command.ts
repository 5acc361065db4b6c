import fs from 'node:fs';
import type { Command } from 'commander';
import { openCliContext } from '../../cli/cli-context.ts';
import { AppError } from '../../errors.ts';
import { parseAsOf } from './parse-as-of.ts';
import { ropaCsv, ropaHtml } from './ropa-export.ts';

/**
 * `custodian ropa export --format csv|json|html [--as-of DATE] [--workspace ID] [--output FILE]`: the records of
 * processing, current (recording a version if the configuration changed) or as they stood at a date, to a file or
 * standard output.
 *
 * @example
 * registerRopaCommand(program);
 */
export function registerRopaCommand(program: Command): void {
  const ropa = program.command('ropa').description('records of processing (Art. 30)');
  ropa
    .command('export')
    .description('export the records of processing')
    .option('--format <format>', 'csv, json or html', 'json')
    .option('--as-of <date>', 'a date (YYYY-MM-DD, end of that day UTC) or an ISO 8601 timestamp')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .option('--output <file>', 'write to this file instead of standard output')
    .action(async (options: { format: string; asOf?: string; workspace?: string; output?: string }) => {
      if (!['csv', 'json', 'html'].includes(options.format)) {
        throw new AppError('VALIDATION_FAILED', { detail: '--format must be csv, json or html' });
      }
      const ctx = await openCliContext();
      try {
        const db = ctx.db.kysely;
        let query = db.selectFrom('workspaces').select('id').orderBy('created_at').limit(1);
        if (options.workspace) query = query.where('id', '=', options.workspace);
        const workspace = await query.executeTakeFirst();
        if (!workspace) throw new AppError('NOT_FOUND', { resource: 'workspace' });
        const service = ctx.services.governance.ropa;
        const snapshot = options.asOf
          ? await service.asOf(db, workspace.id, parseAsOf(options.asOf))
          : await service.record(db, workspace.id, 'read');
        const text =
          options.format === 'csv' ? ropaCsv(snapshot) : options.format === 'html' ? ropaHtml(snapshot) : `${JSON.stringify(snapshot, null, 2)}\n`;
        if (options.output) {
          fs.writeFileSync(options.output, text);
          console.log(`Wrote version ${snapshot.version} (taken ${snapshot.takenAt}, SHA-256 ${snapshot.digest}) to ${options.output}.`);
        } else {
          process.stdout.write(text);
        }
      } finally {
        await ctx.close();
      }
    });
}
