import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../../kernel/audit/audit-log.ts';
import type { ImportMapping } from './import-mapping.ts';

/** What a row whose email or phone already exists does. */
export const duplicatePolicies = ['skip', 'update', 'create'] as const;
export type DuplicatePolicy = (typeof duplicatePolicies)[number];

/** Status of an import. */
export type ImportStatus = 'pending' | 'running' | 'interrupted' | 'completed' | 'failed';

/** An import as the API and CLI show it: settings, progress and counts (never a value of the file). */
export interface ImportView {
  readonly id: string;
  readonly status: ImportStatus;
  readonly purpose: string;
  readonly source: string;
  readonly onDuplicate: DuplicatePolicy;
  readonly mapping: ImportMapping;
  readonly ignoreUnknown: boolean;
  readonly defaultCountry: string | null;
  readonly totalRows: number | null;
  /** Last committed data row: a resume continues after it. */
  readonly lastRow: number;
  readonly counts: {
    readonly created: number;
    readonly updated: number;
    readonly skipped: number;
    readonly suppressed: number;
    readonly rejected: number;
  };
  readonly errorCode: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/** Counts added by one batch. */
export interface BatchCounts {
  created: number;
  updated: number;
  skipped: number;
  suppressed: number;
  rejected: number;
}

/** One rejected cell or row: where and why, never the value. */
export interface Rejection {
  readonly row: number;
  readonly column: string | null;
  readonly reason: string;
}

type ImportRow = Database['imports'];

/**
 * The import as shown.
 *
 * @example
 * importView(row).counts.created; // 9999
 */
export function importView(row: ImportRow): ImportView {
  return {
    id: row.id,
    status: row.status as ImportStatus,
    purpose: row.purpose,
    source: row.source,
    onDuplicate: row.on_duplicate as DuplicatePolicy,
    mapping: JSON.parse(row.mapping) as ImportMapping,
    ignoreUnknown: row.ignore_unknown === 1,
    defaultCountry: row.default_country,
    totalRows: row.total_rows === null ? null : Number(row.total_rows),
    lastRow: Number(row.last_row),
    counts: {
      created: Number(row.created_count),
      updated: Number(row.updated_count),
      skipped: Number(row.skipped_count),
      suppressed: Number(row.suppressed_count),
      rejected: Number(row.rejected_count),
    },
    errorCode: row.error_code,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

/**
 * Inserts a pending import.
 *
 * @example
 * const id = await insertImport(db, { workspaceId, actor, purpose: 'crm', source: 'event', onDuplicate: 'skip', mapping: {}, ignoreUnknown: false, defaultCountry: null, at });
 */
export async function insertImport(
  db: Kysely<Database>,
  input: {
    workspaceId: string;
    actor: Actor;
    purpose: string;
    source: string;
    onDuplicate: DuplicatePolicy;
    mapping: ImportMapping;
    ignoreUnknown: boolean;
    defaultCountry: string | null;
    at: string;
  },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('imports')
    .values({
      id,
      workspace_id: input.workspaceId,
      status: 'pending',
      purpose: input.purpose,
      source: input.source,
      on_duplicate: input.onDuplicate,
      mapping: JSON.stringify(input.mapping),
      ignore_unknown: input.ignoreUnknown ? 1 : 0,
      default_country: input.defaultCountry,
      header_digest: null,
      total_rows: null,
      last_row: 0,
      created_count: 0,
      updated_count: 0,
      skipped_count: 0,
      suppressed_count: 0,
      rejected_count: 0,
      error_code: null,
      actor_type: input.actor.type,
      actor_id: input.actor.id,
      created_at: input.at,
      updated_at: input.at,
      finished_at: null,
    })
    .execute();
  return id;
}

/**
 * The import row of a workspace; `NOT_FOUND` for an unknown id or another workspace's.
 *
 * @example
 * const row = await getImportOrThrow(db, workspaceId, id);
 */
export async function getImportOrThrow(db: Kysely<Database>, workspaceId: string, importId: string): Promise<ImportRow> {
  const row = await db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', importId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { resource: 'import' });
  return row;
}

/**
 * A page of a workspace's imports, newest first (cursor: the last import's creation time and id).
 *
 * @example
 * const { items, nextCursor } = await listImports(db, workspaceId, { limit: 20 });
 */
export async function listImports(
  db: Kysely<Database>,
  workspaceId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: ImportView[]; nextCursor: string | null }> {
  let query = db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId);
  if (page.cursor) {
    const m = /^([0-9TZ:.-]{10,40})\|([0-9a-f-]{36})$/.exec(Buffer.from(page.cursor, 'base64url').toString('utf8'));
    if (!m) throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid', errors: [{ path: '/cursor', message: 'invalid cursor' }] });
    const [, at, id] = m as unknown as [string, string, string];
    query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(importView),
    nextCursor: rows.length > page.limit && last ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url') : null,
  };
}

/**
 * Records a committed batch: its rejections and counts, and the last row done. Runs in the batch's transaction, so
 * the progress and the people of the batch commit together.
 *
 * @example
 * await recordBatch(trx, { workspaceId, importId, lastRow: 2000, counts, rejections, at });
 */
export async function recordBatch(
  trx: Kysely<Database>,
  batch: { workspaceId: string; importId: string; lastRow: number; counts: BatchCounts; rejections: readonly Rejection[]; at: string },
): Promise<void> {
  const { workspaceId, importId, counts } = batch;
  for (let i = 0; i < batch.rejections.length; i += 500) {
    await trx
      .insertInto('import_rejections')
      .values(
        batch.rejections.slice(i, i + 500).map((r) => ({
          workspace_id: workspaceId,
          import_id: importId,
          row_number: r.row,
          column_name: r.column,
          reason: r.reason,
        })),
      )
      .execute();
  }
  await trx
    .updateTable('imports')
    .set((eb) => ({
      last_row: batch.lastRow,
      created_count: eb('created_count', '+', counts.created),
      updated_count: eb('updated_count', '+', counts.updated),
      skipped_count: eb('skipped_count', '+', counts.skipped),
      suppressed_count: eb('suppressed_count', '+', counts.suppressed),
      rejected_count: eb('rejected_count', '+', counts.rejected),
      updated_at: batch.at,
    }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', importId)
    .execute();
}

/**
 * The rejected rows of an import, in row order: what the downloadable report lists.
 *
 * @example
 * for await (const r of listRejections(db, workspaceId, id)) console.log(r.row, r.column, r.reason);
 */
export async function* listRejections(db: Kysely<Database>, workspaceId: string, importId: string): AsyncGenerator<Rejection> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('import_rejections')
      .select(['row_number', 'column_name', 'reason'])
      .where('workspace_id', '=', workspaceId)
      .where('import_id', '=', importId)
      .where('row_number', '>', after)
      .orderBy('row_number')
      .limit(2000)
      .execute();
    if (rows.length === 0) return;
    // A page ends on a whole row: the next page starts after the last complete row number.
    const last = Number(rows[rows.length - 1]!.row_number);
    const complete = rows.length < 2000 ? rows : rows.filter((r) => Number(r.row_number) < last);
    for (const r of complete.length > 0 ? complete : rows) yield { row: Number(r.row_number), column: r.column_name, reason: r.reason };
    if (rows.length < 2000) return;
    after = complete.length > 0 ? Number(complete[complete.length - 1]!.row_number) : last;
  }
}
