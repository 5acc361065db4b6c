import type { Command } from 'commander';
import { seedDemoData } from '../crm/demo/seed-demo-data.ts';
import { AppError } from '../errors.ts';
import { openCliContext } from './cli-context.ts';

/**
 * `custodian demo seed [--seed N] [--owner EMAIL]`: fills the (first) workspace with a demo company: 50 organizations,
 * 200 people, 80 deals with stage history, activities and tasks. Refuses a workspace that already holds CRM data.
 */
export function registerDemoCommand(program: Command): void {
  const demo = program.command('demo').description('demo data for a first look');
  demo
    .command('seed')
    .description('fill an empty workspace with a believable demo company (deterministic)')
    .option('--seed <n>', 'random seed: the same seed gives the same company', '2026')
    .option('--owner <email>', 'user who owns the demo accounts, deals and tasks (default: the workspace owner)')
    .action(async (options: { seed: string; owner?: string }) => {
      const seed = Number(options.seed);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new AppError('VALIDATION_FAILED', { detail: '--seed must be a non-negative integer' });
      const ctx = await openCliContext();
      try {
        const db = ctx.db.kysely;
        const workspace = await db.selectFrom('workspaces').select('id').orderBy('created_at').executeTakeFirst();
        if (!workspace) throw new AppError('NOT_FOUND', { detail: 'There is no workspace yet: start the server once first' });
        let owner = db.selectFrom('users').innerJoin('roles', 'roles.id', 'users.role_id').select('users.id').where('users.workspace_id', '=', workspace.id);
        owner = options.owner ? owner.where('users.email', '=', options.owner.trim().toLowerCase()) : owner.where('roles.key', '=', 'owner').orderBy('users.created_at');
        const user = await owner.executeTakeFirst();
        if (!user) throw new AppError('NOT_FOUND', { detail: options.owner ? 'There is no user with this email' : 'The workspace has no owner' });
        const counts = await seedDemoData({ ...ctx.services, db: ctx.db, clock: ctx.clock }, { workspaceId: workspace.id, ownerUserId: user.id, seed });
        process.stdout.write(
          `Demo data: ${counts.organizations} organizations, ${counts.people} people, ${counts.deals} deals, ` +
            `${counts.activities} activities, ${counts.tasks} tasks.\n`,
        );
      } finally {
        await ctx.close();
      }
    });
}
