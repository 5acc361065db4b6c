import { AppError } from '../errors.ts';
import type { CliContext } from './cli-context.ts';

/**
 * The workspace a command works in: the one `--workspace` names, else the first created (a single organisation never
 * sees the concept). `NOT_FOUND` (exit 5) when there is no such workspace.
 *
 * @example
 * const workspaceId = await cliWorkspaceId(ctx, options.workspace);
 */
export async function cliWorkspaceId(ctx: CliContext, id: string | undefined): Promise<string> {
  const q = ctx.db.kysely.selectFrom('workspaces').select('id');
  const ws = await (id ? q.where('id', '=', id) : q.orderBy('created_at').orderBy('id')).executeTakeFirst();
  if (!ws) throw new AppError('NOT_FOUND', { detail: 'There is no such workspace' });
  return ws.id;
}
