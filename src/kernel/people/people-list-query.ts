import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { BlindIndex } from '../crypto/blind-index.ts';
import type { LifecycleStage } from './person-fields.ts';

/** Sort keys of a people list. Names are encrypted, so they cannot be sorted on (docs/adr/0011-name-search.md). */
export const peopleSorts = ['createdAt', 'updatedAt'] as const;
export type PeopleSort = (typeof peopleSorts)[number];

/** An exact filter on a custom field, matched through its blind index (`custom.<key>`). */
export interface CustomFieldFilter {
  readonly key: string;
  readonly value: string;
}

/**
 * Which of `personIds` truly hold every filtered custom value (the blind index is truncated, so its matches include
 * strangers). Provided by the custom-field area, which decrypts the candidates' values.
 */
export type CustomFilterConfirmer = (
  db: Kysely<Database>,
  workspaceId: string,
  personIds: readonly string[],
  filters: readonly CustomFieldFilter[],
) => Promise<Set<string>>;

/** Filters, sort and page of a people list. Every filter is business data or a blind index: no value in clear. */
export interface PeopleListQuery {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly sort?: PeopleSort | undefined;
  readonly order?: 'asc' | 'desc' | undefined;
  readonly lifecycleStage?: LifecycleStage | undefined;
  readonly ownerUserId?: string | undefined;
  readonly organizationId?: string | undefined;
  readonly tag?: string | undefined;
  /** Inclusive lower and exclusive upper bounds (ISO-8601 UTC). */
  readonly createdFrom?: string | undefined;
  readonly createdTo?: string | undefined;
  readonly updatedFrom?: string | undefined;
  readonly updatedTo?: string | undefined;
  readonly customFields?: readonly CustomFieldFilter[] | undefined;
}

const column = { createdAt: 'created_at', updatedAt: 'updated_at' } as const;

/**
 * Cursor of a page: the sort key, the order and the last row's sort value and id.
 *
 * @example
 * encodePeopleCursor('createdAt', 'asc', '2026-03-02T10:00:00.000Z', id)
 */
export function encodePeopleCursor(sort: PeopleSort, order: 'asc' | 'desc', value: string, id: string): string {
  return Buffer.from(JSON.stringify([sort, order, value, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: PeopleSort, order: 'asc' | 'desc'): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 4 && value[0] === sort && value[1] === order && typeof value[2] === 'string' && typeof value[3] === 'string') {
      return [value[2], value[3]];
    }
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid for this sort', errors: [{ path: '/cursor', message: 'invalid cursor' }] });
}

/**
 * Selects one page (`limit + 1` rows, to know whether another follows) of the live people of a workspace matching
 * the filters, in the sort asked, with keyset pagination on (sort value, id).
 *
 * @example
 * const rows = await selectPeoplePage(db, blindIndex, workspaceId, { limit: 50, lifecycleStage: 'customer' });
 */
export async function selectPeoplePage(
  db: Kysely<Database>,
  blindIndex: BlindIndex,
  workspaceId: string,
  q: PeopleListQuery,
): Promise<Database['persons'][]> {
  const sort = q.sort ?? 'createdAt';
  const order = q.order ?? 'asc';
  const col = column[sort];
  let query = db
    .selectFrom('persons')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('erased_at', 'is', null)
    .where('erasing_run_id', 'is', null);
  if (q.lifecycleStage !== undefined) query = query.where('lifecycle_stage', '=', q.lifecycleStage);
  if (q.ownerUserId !== undefined) query = query.where('owner_user_id', '=', q.ownerUserId);
  if (q.organizationId !== undefined) query = query.where('organization_id', '=', q.organizationId);
  if (q.createdFrom !== undefined) query = query.where('created_at', '>=', q.createdFrom);
  if (q.createdTo !== undefined) query = query.where('created_at', '<', q.createdTo);
  if (q.updatedFrom !== undefined) query = query.where('updated_at', '>=', q.updatedFrom);
  if (q.updatedTo !== undefined) query = query.where('updated_at', '<', q.updatedTo);
  // Tag and custom-field filters probe their table's primary key for each row walked in sort order (EXISTS), rather
  // than materialising every tagged person and sorting them for each page.
  if (q.tag !== undefined) {
    const tag = q.tag;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('person_tags as t')
          .select('t.person_id')
          .where('t.workspace_id', '=', workspaceId)
          .whereRef('t.person_id', '=', 'persons.id')
          .where('t.tag', '=', tag),
      ),
    );
  }
  for (const f of q.customFields ?? []) {
    const field = `custom.${f.key}`;
    const hash = blindIndex.compute(workspaceId, field, f.value, 'text');
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('person_blind_indexes as b')
          .select('b.person_id')
          .where('b.workspace_id', '=', workspaceId)
          .where('b.field', '=', field)
          .where('b.hash', '=', hash)
          .whereRef('b.person_id', '=', 'persons.id'),
      ),
    );
  }
  if (q.cursor) {
    const [at, id] = decodeCursor(q.cursor, sort, order);
    const cmp = order === 'asc' ? '>' : '<';
    query = query.where((eb) => eb.or([eb(col, cmp, at), eb.and([eb(col, '=', at), eb('id', cmp, id)])]));
  }
  return query.orderBy(col, order).orderBy('id', order).limit(q.limit + 1).execute();
}
