import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../kernel/clock.ts';
import { checkListFilters, type ListEntity, type ListFilters } from './list-filters.ts';

/** Fields each entity's list can be sorted by. */
export const sortableFields: Readonly<Record<ListEntity, readonly string[]>> = {
  person: ['createdAt', 'updatedAt'],
  organization: ['name', 'createdAt', 'updatedAt'],
  deal: ['title', 'amount', 'expectedCloseDate', 'createdAt', 'updatedAt'],
};

export interface ViewSort {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

/** A saved list view as the API shows it. */
export interface SavedView {
  readonly id: string;
  readonly entity: ListEntity;
  readonly name: string;
  readonly filters: ListFilters;
  readonly sort: ViewSort | null;
  readonly columns: string[];
  readonly ownerUserId: string;
  readonly shared: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewView {
  readonly entity: ListEntity;
  readonly name: string;
  readonly filters?: unknown;
  readonly sort?: ViewSort | null;
  readonly columns?: readonly string[];
  readonly shared?: boolean;
}

export type ViewPatch = Partial<Omit<NewView, 'entity'>>;

/** Who asks: the user, and whether they may manage shared views (`crm:configure`). */
export interface ViewActor {
  readonly workspaceId: string;
  readonly userId: string;
  readonly canManageShared: boolean;
}

export interface SavedViews {
  /** The user's own views and the shared ones, by name, a page at a time. */
  list(actor: ViewActor, page: { entity?: ListEntity | undefined; limit: number; cursor?: string | undefined }): Promise<{ items: SavedView[]; nextCursor: string | null }>;
  /** `NOT_FOUND` for another user's private view, as for an unknown one. */
  getOrThrow(actor: ViewActor, id: string): Promise<SavedView>;
  create(actor: ViewActor, input: NewView): Promise<SavedView>;
  /** Only the owner changes a view (or a `crm:configure` user a shared one); `PRECONDITION_FAILED` when stale. */
  update(actor: ViewActor, id: string, expectedVersion: number, patch: ViewPatch): Promise<SavedView>;
  remove(actor: ViewActor, id: string): Promise<void>;
}

type ViewRow = Database['saved_views'];

function viewOf(row: ViewRow): SavedView {
  return {
    id: row.id,
    entity: row.entity as ListEntity,
    name: row.name,
    filters: JSON.parse(row.filters) as ListFilters,
    sort: row.sort === null ? null : (JSON.parse(row.sort) as ViewSort),
    columns: JSON.parse(row.columns) as string[],
    ownerUserId: row.owner_user_id,
    shared: row.shared === 1,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checkSort(entity: ListEntity, sort: ViewSort | null | undefined): ViewSort | null {
  if (!sort) return null;
  if (!sortableFields[entity].includes(sort.field)) {
    const message = `one of ${sortableFields[entity].join(', ')}`;
    throw new AppError('VALIDATION_FAILED', { detail: `sort/field: ${message}`, errors: [{ path: '/sort/field', message }] });
  }
  return { field: sort.field, direction: sort.direction };
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid', errors: [{ path: '/cursor', message: 'invalid cursor' }] });
}

const visible = (actor: ViewActor, row: ViewRow) => row.owner_user_id === actor.userId || row.shared === 1;

/**
 * Saved list views: filters (checked per entity), sort, visible columns; private to their owner or shared.
 *
 * @example
 * const views = createSavedViews({ db, clock });
 * await views.create(actor, { entity: 'deal', name: 'Won this year', filters: { status: 'won', closeFrom: '2026-01-01' } });
 */
export function createSavedViews(deps: { readonly db: Db; readonly clock: Clock }): SavedViews {
  const kysely = deps.db.kysely;
  const find = (workspaceId: string, id: string) =>
    kysely.selectFrom('saved_views').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();

  return {
    async list(actor, page) {
      let query = kysely
        .selectFrom('saved_views')
        .selectAll()
        .where('workspace_id', '=', actor.workspaceId)
        .where((eb) => eb.or([eb('owner_user_id', '=', actor.userId), eb('shared', '=', 1)]));
      if (page.entity) query = query.where('entity', '=', page.entity);
      if (page.cursor) {
        const [name, id] = decodeCursor(page.cursor);
        query = query.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]));
      }
      const rows = await query.orderBy('name').orderBy('id').limit(page.limit + 1).execute();
      const items = rows.slice(0, page.limit);
      const last = items[items.length - 1];
      return { items: items.map(viewOf), nextCursor: rows.length > page.limit && last ? Buffer.from(JSON.stringify([last.name, last.id])).toString('base64url') : null };
    },

    async getOrThrow(actor, id) {
      const row = await find(actor.workspaceId, id);
      if (!row || !visible(actor, row)) throw new AppError('NOT_FOUND', { resource: 'view' });
      return viewOf(row);
    },

    async create(actor, input) {
      const now = deps.clock.now().toISOString();
      const row: ViewRow = {
        id: randomUUID(),
        workspace_id: actor.workspaceId,
        entity: input.entity,
        name: input.name.trim(),
        filters: JSON.stringify(checkListFilters(input.entity, input.filters ?? {})),
        sort: JSON.stringify(checkSort(input.entity, input.sort)),
        columns: JSON.stringify(input.columns ?? []),
        owner_user_id: actor.userId,
        shared: input.shared ? 1 : 0,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      if (row.sort === 'null') row.sort = null;
      await kysely.insertInto('saved_views').values(row).execute();
      return viewOf(row);
    },

    async update(actor, id, expectedVersion, patch) {
      return kysely.transaction().execute(async (trx) => {
        const row = await forUpdate(trx.selectFrom('saved_views').selectAll().where('workspace_id', '=', actor.workspaceId).where('id', '=', id), deps.db.dialect).executeTakeFirst();
        if (!row || !visible(actor, row)) throw new AppError('NOT_FOUND', { resource: 'view' });
        if (row.owner_user_id !== actor.userId && !actor.canManageShared) {
          throw new AppError('FORBIDDEN', { detail: 'Only the owner changes this view', permission: 'crm:configure' });
        }
        if (row.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { currentVersion: row.version });
        const entity = row.entity as ListEntity;
        const changes: Partial<ViewRow> = {};
        if (patch.name !== undefined) changes.name = patch.name.trim();
        if (patch.filters !== undefined) changes.filters = JSON.stringify(checkListFilters(entity, patch.filters));
        if (patch.sort !== undefined) {
          const sort = checkSort(entity, patch.sort);
          changes.sort = sort === null ? null : JSON.stringify(sort);
        }
        if (patch.columns !== undefined) changes.columns = JSON.stringify(patch.columns);
        if (patch.shared !== undefined) changes.shared = patch.shared ? 1 : 0;
        const updated: ViewRow = { ...row, ...changes, version: row.version + 1, updated_at: deps.clock.now().toISOString() };
        await trx
          .updateTable('saved_views')
          .set({ ...changes, version: updated.version, updated_at: updated.updated_at })
          .where('workspace_id', '=', actor.workspaceId)
          .where('id', '=', id)
          .execute();
        return viewOf(updated);
      });
    },

    async remove(actor, id) {
      const row = await find(actor.workspaceId, id);
      if (!row || !visible(actor, row)) throw new AppError('NOT_FOUND', { resource: 'view' });
      if (row.owner_user_id !== actor.userId && !actor.canManageShared) {
        throw new AppError('FORBIDDEN', { detail: 'Only the owner deletes this view', permission: 'crm:configure' });
      }
      await kysely.deleteFrom('saved_views').where('workspace_id', '=', actor.workspaceId).where('id', '=', id).execute();
    },
  };
}
