import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import { createApiToken } from '../identity/api-tokens.ts';
import type { Clock } from '../kernel/clock.ts';
import { openCliContext } from './cli-context.ts';
import { cliIdentityDeps } from './user-command.ts';

/**
 * Parses `--expires`: an ISO 8601 date or date-time (`2027-01-31`, `2027-01-31T12:00:00Z`), or a duration from now
 * in days or hours (`90d`, `12h`).
 *
 * @example
 * parseExpiry('30d', clock); // 30 days from clock.now(), as ISO
 */
export function parseExpiry(raw: string, clock: Clock): string {
  const relative = /^(\d{1,5})([dh])$/.exec(raw.trim());
  if (relative) {
    const amount = Number(relative[1]) * (relative[2] === 'd' ? 86_400_000 : 3_600_000);
    return new Date(clock.now().getTime() + amount).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(raw.trim())) {
    const at = new Date(raw.trim());
    if (!Number.isNaN(at.getTime())) return at.toISOString();
  }
  throw new AppError('VALIDATION_FAILED', { detail: '--expires must be an ISO date, or a duration such as 90d or 12h' });
}

/**
 * `custodian token create --user E --name N [--role R] [--expires D]`: creates an API token for a user and prints ONLY
 * the token on stdout (so that scripts can capture it). The token's role may not exceed the user's own role.
 */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create an API token; prints only the token')
    .requiredOption('--user <email>', 'email of the user the token acts for')
    .requiredOption('--name <name>', 'a name to recognise the token by')
    .option('--role <key>', 'role the token acts with (default: the user’s role)')
    .option('--expires <when>', 'ISO date or date-time, or a duration such as 90d or 12h')
    .action(async (options: { user: string; name: string; role?: string; expires?: string }) => {
      const ctx = await openCliContext();
      try {
        if (options.name.length < 1 || options.name.length > 100) {
          throw new AppError('VALIDATION_FAILED', { detail: '--name must have 1 to 100 characters' });
        }
        const expiresAt = options.expires === undefined ? undefined : parseExpiry(options.expires, ctx.clock);
        const user = await ctx.db.kysely
          .selectFrom('users')
          .select(['id', 'workspace_id'])
          .where('email', '=', options.user.trim().toLowerCase())
          .executeTakeFirst();
        if (!user) throw new AppError('NOT_FOUND', { detail: 'There is no user with this email' });
        const created = await createApiToken(
          cliIdentityDeps(ctx),
          { workspaceId: user.workspace_id, actor: { type: 'system', id: 'cli' }, grant: null },
          { userId: user.id, name: options.name, roleKey: options.role, expiresAt },
        );
        process.stdout.write(`${created.token}\n`);
      } finally {
        ctx.services.mailer.close();
        await ctx.close();
      }
    });
}
