import fs from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import { createAuditCheckpoints } from '../kernel/audit/audit-checkpoints.ts';
import { buildAuditorPack } from '../monitoring/auditor-pack/build-auditor-pack.ts';
import { parseDateRange } from '../monitoring/auditor-pack/date-range.ts';
import { openCliContext } from './cli-context.ts';

/**
 * `custodian auditor-pack --from D --to D --out FILE [--workspace ID]`: the auditor pack for a date range as a zip.
 * The range is checked before anything is opened; the export is audited as the system actor `cli`.
 *
 * @example
 * registerAuditorPackCommand(program);
 */
export function registerAuditorPackCommand(program: Command): void {
  program
    .command('auditor-pack')
    .description(
      'write the auditor pack (Art. 30 record, DPIAs, consent, requests, erasures, breaches, training, compliance audit, audit-chain check) as a zip',
    )
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day (included), YYYY-MM-DD')
    .requiredOption('--out <file>', 'the zip file to write')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(async (options: { from: string; to: string; out: string; workspace?: string }) => {
      const range = parseDateRange(options.from, options.to);
      const ctx = await openCliContext();
      try {
        let query = ctx.db.kysely.selectFrom('workspaces').select('id').orderBy('created_at').limit(1);
        if (options.workspace) query = query.where('id', '=', options.workspace);
        const workspace = await query.executeTakeFirst();
        if (!workspace) throw new AppError('NOT_FOUND', { resource: 'workspace' });
        const checkpoints = createAuditCheckpoints({
          keysDir: ctx.services.keyFiles.keysDir,
          dataDir: ctx.config.dataDir,
        });
        const { zip, manifest } = await buildAuditorPack(
          {
            db: ctx.db,
            clock: ctx.clock,
            governance: ctx.services.governance,
            compliance: ctx.services.compliance,
            checkpoints,
          },
          { workspaceId: workspace.id, actor: { type: 'system', id: 'cli' } },
          range,
          'cli',
        );
        fs.writeFileSync(options.out, zip);
        console.log(
          `Wrote ${options.out}: ${manifest.files.length} files for ${range.from} to ${range.to}` +
            (manifest.omitted.length
              ? ` (left out: ${manifest.omitted.map((o) => o.section).join(', ')})`
              : '') +
            '.',
        );
      } finally {
        await ctx.close();
      }
    });
}
