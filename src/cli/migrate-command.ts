import type { Command } from 'commander';
import { migrateToLatest } from '../db/migrate.ts';
import { openCliContext } from './cli-context.ts';

/** `custodian migrate`: brings the database schema up to date. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const ctx = await openCliContext({ migrate: false });
      try {
        const applied = await migrateToLatest(ctx.db);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The schema is up to date.');
      } finally {
        await ctx.close();
      }
    });
}
