import type { Command } from 'commander';
import { openCliContext } from '../../cli/cli-context.ts';
import { AppError } from '../../errors.ts';

/**
 * `custodian retention sweep [--dry-run] [--workspace ID] [--json]`: runs a retention sweep now (or only counts what it
 * would do), recorded and audited like the scheduled one, and prints its counts. `custodian retention preview`
 * prints the counts per policy of the next sweep. Exit code 6 when a sweep of the workspace is already running.
 *
 * @example
 * registerRetentionCommand(program);
 */
export function registerRetentionCommand(program: Command): void {
  const retention = program.command('retention').description('retention policies: preview and sweeps');

  const workspaceOf = async (
    db: Awaited<ReturnType<typeof openCliContext>>['db'],
    id: string | undefined,
  ) => {
    let query = db.kysely.selectFrom('workspaces').select('id').orderBy('created_at').limit(1);
    if (id) query = query.where('id', '=', id);
    const workspace = await query.executeTakeFirst();
    if (!workspace) throw new AppError('NOT_FOUND', { resource: 'workspace' });
    return workspace.id;
  };

  retention
    .command('sweep')
    .description('erase or anonymise everyone whose retention has run out (legal holds respected)')
    .option('--dry-run', 'count what the sweep would do, change nothing')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .option('--json', 'print the sweep record as JSON')
    .action(async (options: { dryRun?: boolean; workspace?: string; json?: boolean }) => {
      const ctx = await openCliContext();
      try {
        const workspaceId = await workspaceOf(ctx.db, options.workspace);
        const run = await ctx.services.retention.sweeper.sweep(workspaceId, {
          trigger: 'cli',
          dryRun: options.dryRun === true,
          actor: { type: 'system', id: 'cli' },
        });
        if (options.json) {
          console.log(JSON.stringify(run, null, 2));
        } else {
          const verb = run.dryRun ? 'Dry run' : 'Sweep';
          console.log(
            `${verb} ${run.id} ${run.status}: ${run.due} due, ${run.erased} erased, ${run.anonymised} anonymised, ${run.blocked} blocked by a legal hold, ${run.kept} partly kept by an exception, ${run.failed} failed.`,
          );
        }
        if (run.status === 'failed') process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });

  retention
    .command('preview')
    .description('how many persons the next sweep would erase or anonymise, per policy')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(async (options: { workspace?: string }) => {
      const ctx = await openCliContext();
      try {
        const workspaceId = await workspaceOf(ctx.db, options.workspace);
        const { perPolicy } = await ctx.services.retention.sweeper.preview(ctx.db.kysely, workspaceId, {
          limit: 0,
          blockedShown: 0,
        });
        if (perPolicy.length === 0) console.log('Nobody is due.');
        for (const l of perPolicy)
          console.log(`${l.policyName} (${l.policyId}): ${l.due} to ${l.action}, ${l.blocked} blocked by a legal hold`);
      } finally {
        await ctx.close();
      }
    });
}
