import { sql, type Expression } from 'kysely';
import type { DialectName } from '../../db/database.ts';

/**
 * The `workspace_id` column of a set-wise statement (`… where workspace_id = ? and id in (…1,000 ids…)`), written so
 * that SQLite's planner keys the statement on the id list. Without table statistics SQLite takes an equality on the
 * first column of any index as very selective, so it picked `(workspace_id, …)` indexes and scanned the whole
 * workspace once per batch (quadratic over a sweep); the unary `+` keeps the condition but takes it out of index
 * selection. PostgreSQL plans from statistics and gets the plain column.
 *
 * @example
 * await trx.updateTable('persons').set({ email: null }).where(workspaceFilter(dialect), '=', workspaceId).where('id', 'in', ids).execute();
 */
export function workspaceFilter(dialect: DialectName): Expression<string> {
  return dialect === 'sqlite' ? sql<string>`+${sql.ref('workspace_id')}` : sql.ref<string>('workspace_id');
}
