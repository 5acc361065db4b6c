import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../kernel/clock.ts';
import { dueSoonFrom } from './request-deadlines.ts';
import type { RequestTable } from './request-tables.ts';
import {
  finalRequestStatuses,
  type RequestStatus,
  type RequestType,
  type RequestView,
} from './request-types.ts';

/** Filters of the inbox list. */
export interface RequestListFilter {
  readonly status?: RequestStatus | undefined;
  readonly type?: RequestType | undefined;
  /** A user id, or `none` for unassigned requests. */
  readonly assignee?: string | undefined;
  readonly sla?: RequestView['sla'] | undefined;
  /** Only requests due before this instant. */
  readonly dueBefore?: string | undefined;
  readonly cursor?: string | undefined;
  /** Page size (default 50, at most 200). */
  readonly limit?: number | undefined;
}

export interface RequestList {
  readonly items: RequestView[];
  readonly nextCursor: string | null;
}

/** Open requests by SLA indicator. */
export interface RequestSummary {
  readonly open: number;
  readonly overdue: number;
  readonly dueSoon: number;
  readonly onTrack: number;
  readonly unassigned: number;
}

type Row = Selectable<RequestTable>;

function encodeCursor(row: Row): string {
  return Buffer.from(JSON.stringify([row.due_at, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    )
      return [value[0], value[1]];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', { field: 'cursor', detail: 'not a cursor this list gave' });
}

/**
 * Reads of the request inbox: the list (deadline first, keyset pagination) and the counts of the home widget.
 *
 * @example
 * const q = createRequestQueries({ clock });
 * const page = await q.list(db, workspaceId, { sla: 'overdue', limit: 20 });
 */
export function createRequestQueries(deps: { readonly clock: Clock }) {
  const open = [...finalRequestStatuses];
  return {
    async list(
      db: Kysely<Database>,
      workspaceId: string,
      filter: RequestListFilter,
    ): Promise<{ rows: Row[]; nextCursor: string | null }> {
      const limit = filter.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 200)
        throw new AppError('VALIDATION_FAILED', { field: 'limit', detail: '1 to 200' });
      const now = deps.clock.now().toISOString();
      let q = db.selectFrom('requests').selectAll().where('workspace_id', '=', workspaceId);
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      if (filter.type !== undefined) q = q.where('type', '=', filter.type);
      if (filter.assignee === 'none') q = q.where('assignee_id', 'is', null);
      else if (filter.assignee !== undefined) q = q.where('assignee_id', '=', filter.assignee);
      if (filter.dueBefore !== undefined)
        q = q.where('due_at', '<', new Date(filter.dueBefore).toISOString());
      if (filter.sla === 'closed') q = q.where('status', 'in', open);
      else if (filter.sla !== undefined) {
        q = q.where('status', 'not in', open);
        if (filter.sla === 'overdue') q = q.where('due_at', '<', now);
        if (filter.sla === 'due_soon')
          q = q.where('due_at', '>=', now).where('due_at', '<=', dueSoonFrom(deps.clock.now()));
        if (filter.sla === 'on_track') q = q.where('due_at', '>', dueSoonFrom(deps.clock.now()));
      }
      if (filter.cursor !== undefined) {
        const [due, id] = decodeCursor(filter.cursor);
        // A row-value comparison over the whole index key (workspace, due_at, id): both databases seek to the cursor.
        q = q.where((eb) =>
          eb(eb.refTuple('workspace_id', 'due_at', 'id'), '>', eb.tuple(workspaceId, due, id)),
        );
      }
      const rows = await q
        .orderBy('due_at')
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    async summary(db: Kysely<Database>, workspaceId: string): Promise<RequestSummary> {
      const now = deps.clock.now();
      const nowIso = now.toISOString();
      const soon = dueSoonFrom(now);
      // One aggregate over the open requests (index on workspace and status).
      const row = await db
        .selectFrom('requests')
        .select([
          sql<number | string>`count(*)`.as('open'),
          sql<number | string | null>`sum(case when due_at < ${nowIso} then 1 else 0 end)`.as('overdue'),
          sql<
            number | string | null
          >`sum(case when due_at >= ${nowIso} and due_at <= ${soon} then 1 else 0 end)`.as('due_soon'),
          sql<number | string | null>`sum(case when assignee_id is null then 1 else 0 end)`.as('unassigned'),
        ])
        .where('workspace_id', '=', workspaceId)
        .where('status', 'not in', open)
        .executeTakeFirstOrThrow();
      const total = Number(row.open);
      const overdue = Number(row.overdue ?? 0);
      const dueSoon = Number(row.due_soon ?? 0);
      return {
        open: total,
        overdue,
        dueSoon,
        onTrack: total - overdue - dueSoon,
        unassigned: Number(row.unassigned ?? 0),
      };
    },
  };
}
