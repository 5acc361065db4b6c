import fs from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { AppError } from '../errors.ts';
import { importEncodings, type ImportEncoding } from '../crm/import/csv-rows.ts';
import { duplicatePolicies, type DuplicatePolicy, type ImportView } from '../crm/import/import-jobs.ts';
import { parseMapping, type ImportMapping } from '../crm/import/import-mapping.ts';
import type { ProcessingContext } from '../kernel/gate/processing-context.ts';
import { toRoleGrant } from '../identity/role-grant.ts';
import { openCliContext, type CliContext } from './cli-context.ts';

/** The user a CLI import acts as: their role decides purposes and categories, like over the API. */
async function actingUser(ctx: CliContext, email: string, purpose: string): Promise<ProcessingContext> {
  const user = await ctx.db.kysely
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .selectAll('roles')
    .select(['users.id as user_id', 'users.workspace_id as user_workspace_id', 'users.disabled as user_disabled'])
    .where('users.email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!user || user.user_disabled === 1) throw new AppError('NOT_FOUND', { detail: 'There is no active user with this email' });
  const role = toRoleGrant(user);
  if (!role.permissions.has('people:import')) throw new AppError('FORBIDDEN', { permission: 'people:import' });
  return { workspaceId: user.user_workspace_id, actor: { type: 'user', id: user.user_id }, purpose, role };
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    throw new AppError('NOT_FOUND', { detail: 'The file cannot be read' });
  }
}

/** Runs an import over a file with a progress bar on a terminal; prints the counts. */
async function runWithProgress(ctx: CliContext, processing: ProcessingContext, importId: string, file: string, options: { encoding: ImportEncoding; maxBytes?: string }): Promise<void> {
  const maxBytes = options.maxBytes === undefined ? ctx.services.imports.maxBytes : Number(options.maxBytes);
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new AppError('VALIDATION_FAILED', { detail: '--max-bytes must be a positive number of bytes' });
  if (fileSize(file) > maxBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', { detail: `The file is larger than the import limit of ${maxBytes} bytes`, limit: maxBytes });
  }
  process.stderr.write(`import ${importId}\n`);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ stream: process.stderr, format: 'importing {bar} {value}/{total} rows | {eta_formatted} left' })
    : undefined;
  let started = false;
  let lastLogged = -1;
  let done: ImportView;
  try {
    done = await ctx.services.imports.run(processing, importId, () => fs.createReadStream(file), {
      encoding: options.encoding,
      maxBytes,
      onProgress: ({ rowsDone, totalRows }) => {
        if (bar) {
          if (!started) bar.start(totalRows, rowsDone);
          else bar.update(rowsDone);
          started = true;
          return;
        }
        // Not a terminal: one line per tenth of the file.
        const tenth = Math.floor((rowsDone * 10) / Math.max(totalRows, 1));
        if (tenth !== lastLogged) process.stderr.write(`progress ${rowsDone}/${totalRows} rows\n`);
        lastLogged = tenth;
      },
    });
  } finally {
    bar?.stop();
  }
  const c = done.counts;
  console.log(
    `Import ${done.id} ${done.status}: ${done.totalRows ?? 0} rows, ${c.created} created, ${c.updated} updated, ` +
      `${c.skipped} skipped as duplicates, ${c.suppressed} suppressed, ${c.rejected} rejected.`,
  );
  if (c.rejected > 0) console.log(`Rejected rows (row, column, reason): custodian import report ${done.id}`);
}

/**
 * `custodian import people FILE --purpose P --source S --user E [--map …] [--on-duplicate …]`, `custodian import
 * resume ID FILE --user E` and `custodian import report ID`: CSV imports with a progress bar, resumable after a crash.
 */
export function registerImportCommand(program: Command): void {
  const imports = program.command('import').description('import people from CSV files');
  imports
    .command('people')
    .description('import people from a CSV file (streamed, in transactional batches, resumable)')
    .argument('<file>', 'CSV file, UTF-8 (or --encoding latin1), first row = column headers')
    .requiredOption('--purpose <key>', 'purpose the whole file is imported under (its lawful basis)')
    .requiredOption('--source <source>', 'provenance of every record: provided, form, import, enrichment, event or referral')
    .requiredOption('--user <email>', 'user the import acts as (their role must allow people:import)')
    .option('--map <mapping>', 'column mapping, "E-mail=email,Prénom=firstName" or JSON; other headers are recognised by name')
    .option('--map-file <file>', 'column mapping as a JSON file')
    .option('--on-duplicate <policy>', 'skip, update or create when the email or phone exists', 'skip')
    .option('--ignore-unknown', 'ignore columns that map to no person field (refused otherwise)')
    .option('--encoding <encoding>', 'utf-8 or latin1', 'utf-8')
    .option('--max-bytes <n>', 'largest file accepted, in bytes')
    .action(async (file: string, options: { purpose: string; source: string; user: string; map?: string; mapFile?: string; onDuplicate: string; ignoreUnknown?: boolean; encoding: string; maxBytes?: string }) => {
      if (!(duplicatePolicies as readonly string[]).includes(options.onDuplicate)) {
        throw new AppError('VALIDATION_FAILED', { detail: `--on-duplicate must be one of ${duplicatePolicies.join(', ')}` });
      }
      if (!(importEncodings as readonly string[]).includes(options.encoding)) {
        throw new AppError('VALIDATION_FAILED', { detail: `--encoding must be one of ${importEncodings.join(', ')}` });
      }
      let mapping: ImportMapping = {};
      if (options.map) mapping = parseMapping(options.map);
      if (options.mapFile) mapping = { ...mapping, ...parseMapping(fs.readFileSync(options.mapFile, 'utf8')) };
      fileSize(file);
      const ctx = await openCliContext();
      try {
        const processing = await actingUser(ctx, options.user, options.purpose);
        const created = await ctx.services.imports.create(processing, {
          source: options.source,
          onDuplicate: options.onDuplicate as DuplicatePolicy,
          mapping,
          ignoreUnknown: options.ignoreUnknown === true,
        });
        await runWithProgress(ctx, processing, created.id, file, { encoding: options.encoding as ImportEncoding, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) });
      } finally {
        await ctx.close();
      }
    });
  imports
    .command('resume')
    .description('continue an interrupted import after its last committed row (give the same file)')
    .argument('<id>', 'import id')
    .argument('<file>', 'the same CSV file')
    .requiredOption('--user <email>', 'user the import acts as')
    .option('--encoding <encoding>', 'utf-8 or latin1', 'utf-8')
    .option('--max-bytes <n>', 'largest file accepted, in bytes')
    .action(async (id: string, file: string, options: { user: string; encoding: string; maxBytes?: string }) => {
      if (!(importEncodings as readonly string[]).includes(options.encoding)) {
        throw new AppError('VALIDATION_FAILED', { detail: `--encoding must be one of ${importEncodings.join(', ')}` });
      }
      const ctx = await openCliContext();
      try {
        const processing = await actingUser(ctx, options.user, 'crm');
        const existing = await ctx.services.imports.get(processing.workspaceId, id);
        await runWithProgress(ctx, { ...processing, purpose: existing.purpose }, id, file, { encoding: options.encoding as ImportEncoding, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) });
      } finally {
        await ctx.close();
      }
    });
  imports
    .command('report')
    .description('print the rejected rows of an import as CSV (row, column, reason; never a value)')
    .argument('<id>', 'import id')
    .requiredOption('--user <email>', 'user asking')
    .action(async (id: string, options: { user: string }) => {
      const ctx = await openCliContext();
      try {
        const processing = await actingUser(ctx, options.user, 'crm');
        for await (const line of await ctx.services.imports.report(processing.workspaceId, id)) process.stdout.write(line);
      } finally {
        await ctx.close();
      }
    });
}
