import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { exportFormats, exportStream, type ExportFormat } from '../crm/export/export-stream.ts';
import { AppError } from '../errors.ts';
import { openCliContext } from './cli-context.ts';

const entities = { people: 'person', organizations: 'organization', deals: 'deal' } as const;

/**
 * `custodian export people|organizations|deals --format csv|json --purpose P [--filters JSON] [--out FILE]`: the same
 * export as `POST /api/v1/exports`, run by the operator (actor `system:cli`, every role scope) in the first
 * workspace. People are purpose-checked by the gate and audited once; CSV cells are neutralised.
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export people, organizations or deals as CSV or JSON (purpose-checked and audited)')
    .argument('<entity>', 'people, organizations or deals')
    .requiredOption('--purpose <key>', 'the purpose of the export (checked by the gate, recorded in the audit log)')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--filters <json>', 'list view filters as JSON, e.g. {"createdFrom":"2026-01-01"}')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .option('--out <file>', 'write to a file instead of the standard output')
    .action(async (name: string, options: { purpose: string; format: string; filters?: string; workspace?: string; out?: string }) => {
      const entity = entities[name as keyof typeof entities];
      if (!entity) throw new AppError('BAD_REQUEST', { detail: 'Export people, organizations or deals' });
      if (!(exportFormats as readonly string[]).includes(options.format)) throw new AppError('BAD_REQUEST', { detail: 'The format is csv or json' });
      let filters: unknown = {};
      try {
        filters = options.filters ? JSON.parse(options.filters) : {};
      } catch {
        throw new AppError('BAD_REQUEST', { detail: '--filters is not valid JSON' });
      }
      const ctx = await openCliContext();
      try {
        const workspace = options.workspace
          ? await ctx.db.kysely.selectFrom('workspaces').select('id').where('id', '=', options.workspace).executeTakeFirst()
          : await ctx.db.kysely.selectFrom('workspaces').select('id').orderBy('created_at').orderBy('id').executeTakeFirst();
        if (!workspace) throw new AppError('NOT_FOUND', { detail: 'There is no such workspace' });
        const purpose = await ctx.services.purposes.find(ctx.db.kysely, workspace.id, options.purpose);
        if (!purpose) throw new AppError('PURPOSE_UNKNOWN', { purpose: options.purpose });
        const processing = { workspaceId: workspace.id, actor: { type: 'system' as const, id: 'cli' }, purpose: purpose.key, role: { purposes: ['*'], dataCategories: ['*'] } };
        const prepared =
          entity === 'person'
            ? await ctx.services.exporter.preparePeople(processing, filters)
            : await ctx.services.exporter.prepareRecords(processing, entity, filters, options.format as ExportFormat);
        if (options.out) {
          // A progress bar on the terminal only (the standard output may be the export itself).
          const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: `exporting [{bar}] {value}/{total} ${name}`, stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
          bar?.start(prepared.count, 0);
          const counted = (async function* () {
            for await (const row of prepared.rows) {
              bar?.increment();
              yield row;
            }
          })();
          await pipeline(exportStream(options.format as ExportFormat, prepared.columns, counted), fs.createWriteStream(options.out, { mode: 0o600 }));
          bar?.stop();
          console.error(`Exported ${prepared.count} ${name} to ${options.out}.`);
        } else {
          const stream = exportStream(options.format as ExportFormat, prepared.columns, prepared.rows);
          for await (const chunk of stream) process.stdout.write(chunk as string | Buffer);
        }
      } finally {
        await ctx.close();
      }
    });
}
