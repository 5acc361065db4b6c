import type { Command } from 'commander';
import { workspaceSeeders } from '../bootstrap.ts';
import { AppError } from '../errors.ts';
import type { IdentityDeps } from '../identity/identity-deps.ts';
import { randomSecret } from '../identity/secret-hash.ts';
import { createUser } from '../identity/user-admin.ts';
import { createWorkspace } from '../workspaces/create-workspace.ts';
import { openCliContext, type CliContext } from './cli-context.ts';

/** The identity dependencies of a CLI context. */
export function cliIdentityDeps(ctx: CliContext): IdentityDeps {
  return { db: ctx.db, clock: ctx.clock, config: ctx.config, keyFiles: ctx.services.keyFiles, mailer: ctx.services.mailer };
}

/** The workspace a command works in: the one named, or the first one (created with its defaults when none exists). */
export async function cliWorkspaceId(ctx: CliContext, named: string | undefined): Promise<string> {
  if (named) {
    const row = await ctx.db.kysely.selectFrom('workspaces').select('id').where('id', '=', named).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { detail: 'There is no workspace with this id' });
    return row.id;
  }
  const first = await ctx.db.kysely.selectFrom('workspaces').select('id').orderBy('created_at').orderBy('id').executeTakeFirst();
  return first?.id ?? createWorkspace({ db: ctx.db.kysely, clock: ctx.clock, seeders: workspaceSeeders }, { name: 'My organisation' });
}

/**
 * `custodian user create --email E --role R [--password P] [--name N]`: creates a staff account. Without `--password`
 * a random one (144 bits) is generated and printed once. Audited as the system actor `cli`.
 */
export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('manage staff accounts');
  user
    .command('create')
    .description('create a user; without --password, a generated password is printed once')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--role <key>', 'role key (owner, admin, privacy_officer, sales, marketing, support, auditor, or a custom one)')
    .option('--password <password>', 'password (12 to 128 characters, not a common one)')
    .option('--name <name>', 'display name')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(async (options: { email: string; role: string; password?: string; name?: string; workspace?: string }) => {
      const ctx = await openCliContext();
      try {
        const email = options.email.trim().toLowerCase();
        if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) {
          throw new AppError('VALIDATION_FAILED', { detail: '--email must be an email address' });
        }
        const generated = options.password === undefined;
        const password = options.password ?? randomSecret(18);
        const workspaceId = await cliWorkspaceId(ctx, options.workspace);
        const created = await createUser(
          cliIdentityDeps(ctx),
          { workspaceId, actor: { type: 'system', id: 'cli' }, grant: null },
          { email, name: (options.name ?? email.split('@')[0] ?? '').slice(0, 200), roleKey: options.role, password },
        );
        process.stdout.write(`Created user ${created.email} (${created.id}) with role ${created.role.key}.\n`);
        if (generated) process.stdout.write(`Password (shown once): ${password}\n`);
      } finally {
        ctx.services.mailer.close();
        await ctx.close();
      }
    });
}
