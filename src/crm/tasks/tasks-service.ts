import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { FieldBinding, FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { DataKey, KeyService } from '../../kernel/crypto/key-service.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { findPseudonyms } from '../../kernel/people/person-lookups.ts';
import { guardedWrite } from '../timeline/guarded-write.ts';
import { assertRecordLinks, type RecordLink } from '../timeline/assert-record-links.ts';
import { parseCalendarDate } from '../timeline/parse-instant.ts';
import { readablePersons, type ReadablePersonsDeps } from '../timeline/readable-persons.ts';
import type { RecordDirectory } from '../timeline/record-directory.ts';
import { dueInstant, isOverdue, noDueSort } from './task-due.ts';
import { taskAttributes, taskTitleMaxLength, type TaskFilter, type TaskInput, type TaskPatch, type TaskView } from './task-types.ts';

type TaskRow = Database['tasks'];

export interface TasksDeps extends ReadablePersonsDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly recordDirectory: RecordDirectory;
}

export interface TaskPage {
  readonly items: TaskView[];
  readonly nextCursor: string | null;
}

/** The task use-cases. The title of a task about a person passes the gate (ADR 0012). */
export interface TasksService {
  create(ctx: ProcessingContext, input: TaskInput): Promise<TaskView>;
  /** `NOT_FOUND` for an unknown id or another workspace's. */
  get(ctx: ProcessingContext, id: string): Promise<TaskView>;
  /** `PRECONDITION_FAILED` when `expectedVersion` is stale. */
  update(ctx: ProcessingContext, id: string, expectedVersion: number, patch: TaskPatch): Promise<TaskView>;
  remove(ctx: ProcessingContext, id: string): Promise<void>;
  /** Ordered by due instant (undated last), then id; titles the gate refuses (for the person, or the role) are hidden. */
  list(ctx: ProcessingContext, filter: TaskFilter, page: { readonly limit: number; readonly cursor?: string | undefined }): Promise<TaskPage>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const timeOfDay = /^([01]\d|2[0-3]):[0-5]\d$/;
const attributes = { entity: 'task', names: taskAttributes } as const;

/** What a task's title is bound to in its ciphertext. */
export function taskBinding(workspaceId: string, taskId: string): FieldBinding {
  return { workspaceId, table: 'tasks', column: 'title', rowId: taskId };
}

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail, errors: [{ path, message }] });
}

function encodeCursor(dueSort: string, id: string): string {
  return Buffer.from(JSON.stringify([dueSort, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // fall through
  }
  throw invalid('/cursor', 'invalid cursor', 'The cursor is not valid');
}

/** The stored due fields of a task, checked. */
function dueOf(dueDate: string | null, dueTime: string | null): { due_date: string | null; due_time: string | null; due_sort: string } {
  if (dueDate !== null) parseCalendarDate(dueDate, '/dueDate');
  if (dueTime !== null && !timeOfDay.test(dueTime)) throw invalid('/dueTime', 'invalid time', 'Give a time as HH:MM');
  if (dueTime !== null && dueDate === null) throw invalid('/dueTime', 'time without date', 'A due time needs a due date');
  return { due_date: dueDate, due_time: dueTime, due_sort: dueInstant(dueDate, dueTime) ?? noDueSort };
}

function titleOf(value: string): string {
  const title = value.trim();
  if (title === '' || title.length > taskTitleMaxLength) throw invalid('/title', 'empty or too long', `Give a title of 1 to ${taskTitleMaxLength} characters`);
  return title;
}

/**
 * @example
 * const tasks = createTasksService({ db, clock, keys, fieldCipher, gate, purposes, catalogue, recordDirectory });
 * await tasks.create(ctx, { title: 'Send the offer', dueDate: '2026-03-03', link: { entity: 'person', id } });
 * await tasks.list(ctx, { assigneeId: userId, status: 'open' }, { limit: 50 });
 */
export function createTasksService(deps: TasksDeps): TasksService {
  const { db, clock, gate, keys, fieldCipher } = deps;
  const kysely = db.kysely;

  const findRow = async (executor: Kysely<Database>, workspaceId: string, id: string): Promise<TaskRow | undefined> => {
    if (!uuid.test(id)) return undefined;
    return executor.selectFrom('tasks').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  };
  const personOf = (row: Pick<TaskRow, 'linked_entity' | 'linked_id'>): string | null => (row.linked_entity === 'person' ? row.linked_id : null);

  const view = (row: TaskRow, title: string | null): TaskView => ({
    id: row.id,
    title,
    hidden: title === null,
    dueDate: row.due_date,
    dueTime: row.due_time,
    dueAt: row.due_sort === noDueSort ? null : row.due_sort,
    overdue: isOverdue({ status: row.status, dueSort: row.due_sort }, clock.now()),
    assigneeId: row.assignee_id,
    link: row.linked_entity && row.linked_id ? { entity: row.linked_entity as RecordLink['entity'], id: row.linked_id } : null,
    status: row.status as TaskView['status'],
    priority: row.priority as TaskView['priority'],
    completedAt: row.completed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  });

  const openTitle = (key: DataKey | undefined, row: TaskRow): string | null => {
    if (personOf(row) === null) return row.title_text ?? '';
    if (!key || !row.title_enc) return null;
    return fieldCipher.decrypt(key, row.title_enc, taskBinding(row.workspace_id, row.id));
  };
  const sealTitle = async (trx: Kysely<Database>, workspaceId: string, id: string, personId: string | null, title: string) => {
    if (personId === null) return { title_enc: null, title_text: title };
    const key = await keys.getOrCreateDataKey(trx, workspaceId, personId);
    return { title_enc: fieldCipher.encrypt(key, title, taskBinding(workspaceId, id)), title_text: null };
  };

  const assertAssignee = async (workspaceId: string, assigneeId: string | null) => {
    if (assigneeId === null) return;
    const user = uuid.test(assigneeId)
      ? await kysely.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).where('id', '=', assigneeId).executeTakeFirst()
      : undefined;
    if (!user) throw invalid('/assigneeId', 'unknown user', 'The assignee is not a user of this workspace');
  };
  const checkedLink = async (workspaceId: string, link: RecordLink | null): Promise<RecordLink | null> => {
    if (link === null) return null;
    const [checked] = await assertRecordLinks(deps.recordDirectory, kysely, workspaceId, [link], { path: '/link', max: 1 });
    return checked ?? null;
  };

  const guardedDeps = { db, clock, gate, attributes, resourceType: 'task' };
  const guarded = <T>(ctx: ProcessingContext, personIds: readonly string[], entry: { action: string; resourceId: string }, work: (trx: Kysely<Database>) => Promise<T>) =>
    guardedWrite(guardedDeps, ctx, personIds, entry, work);

  const statusFields = (status: TaskView['status'], row: Pick<TaskRow, 'status' | 'completed_at' | 'timeline_at' | 'created_at'> | null, now: string) => {
    if (row && row.status === status) return { status, completed_at: row.completed_at, timeline_at: row.timeline_at };
    if (status === 'open') return { status, completed_at: null, timeline_at: row?.created_at ?? now };
    return { status, completed_at: status === 'done' ? now : null, timeline_at: now };
  };

  return {
    async create(ctx, input) {
      const title = titleOf(input.title);
      const due = dueOf(input.dueDate ?? null, input.dueTime ?? null);
      await assertAssignee(ctx.workspaceId, input.assigneeId ?? null);
      const link = await checkedLink(ctx.workspaceId, input.link ?? null);
      const personId = link?.entity === 'person' ? link.id : null;
      const id = randomUUID();
      const now = clock.now().toISOString();
      return guarded(ctx, personId ? [personId] : [], { action: 'task.create', resourceId: id }, async (trx) => {
        const row: TaskRow = {
          id,
          workspace_id: ctx.workspaceId,
          ...(await sealTitle(trx, ctx.workspaceId, id, personId, title)),
          linked_entity: link?.entity ?? null,
          linked_id: link?.id ?? null,
          assignee_id: input.assigneeId ?? null,
          ...due,
          ...statusFields(input.status ?? 'open', null, now),
          priority: input.priority ?? 'normal',
          created_by_type: ctx.actor.type,
          created_by_id: ctx.actor.id,
          created_at: now,
          updated_at: now,
          version: 1,
        };
        await trx.insertInto('tasks').values(row).execute();
        return view(row, title);
      });
    },

    async get(ctx, id) {
      const row = await findRow(kysely, ctx.workspaceId, id);
      if (!row) throw new AppError('NOT_FOUND', { resource: 'task' });
      const personId = personOf(row);
      if (personId === null) return view(row, openTitle(undefined, row));
      await gate.check(kysely, ctx, { personIds: [personId], operation: 'read', attributes });
      return view(row, openTitle(await keys.getDataKey(kysely, ctx.workspaceId, personId), row));
    },

    async update(ctx, id, expectedVersion, patch) {
      const before = await findRow(kysely, ctx.workspaceId, id);
      if (!before) throw new AppError('NOT_FOUND', { resource: 'task' });
      if (patch.assigneeId !== undefined) await assertAssignee(ctx.workspaceId, patch.assigneeId);
      const link = patch.link === undefined ? undefined : await checkedLink(ctx.workspaceId, patch.link);
      const oldPerson = personOf(before);
      const newPerson = link === undefined ? oldPerson : link?.entity === 'person' ? link.id : null;
      const personIds = [...new Set([newPerson, oldPerson].filter((p): p is string => p !== null))];
      return guarded(ctx, personIds, { action: 'task.update', resourceId: id }, async (trx) => {
        const row = await forUpdate(trx.selectFrom('tasks').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', id), db.dialect).executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', { resource: 'task' });
        if (row.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { currentVersion: row.version });
        const oldKey = oldPerson === null ? undefined : await keys.getDataKey(trx, ctx.workspaceId, oldPerson);
        const title = patch.title === undefined ? (openTitle(oldKey, row) ?? '') : titleOf(patch.title);
        const due = dueOf(patch.dueDate === undefined ? row.due_date : patch.dueDate, patch.dueTime === undefined ? row.due_time : patch.dueTime);
        const now = clock.now().toISOString();
        const updated: TaskRow = {
          ...row,
          ...(await sealTitle(trx, ctx.workspaceId, id, newPerson, title)),
          linked_entity: link === undefined ? row.linked_entity : (link?.entity ?? null),
          linked_id: link === undefined ? row.linked_id : (link?.id ?? null),
          assignee_id: patch.assigneeId === undefined ? row.assignee_id : patch.assigneeId,
          ...due,
          ...statusFields(patch.status ?? (row.status as TaskView['status']), row, now),
          priority: patch.priority ?? row.priority,
          updated_at: now,
          version: row.version + 1,
        };
        const { id: _id, workspace_id: _w, ...changes } = updated;
        await trx.updateTable('tasks').set(changes).where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).execute();
        return view(updated, title);
      });
    },

    async remove(ctx, id) {
      const row = await findRow(kysely, ctx.workspaceId, id);
      if (!row) throw new AppError('NOT_FOUND', { resource: 'task' });
      const personId = personOf(row);
      const pseudonyms = personId ? await findPseudonyms(kysely, ctx.workspaceId, [personId]) : new Map<string, string>();
      await kysely.transaction().execute(async (trx) => {
        const deleted = await trx.deleteFrom('tasks').where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) throw new AppError('NOT_FOUND', { resource: 'task' });
        await appendAudit(trx, { dialect: db.dialect, clock }, {
          workspaceId: ctx.workspaceId,
          actor: ctx.actor,
          action: 'task.delete',
          outcome: 'allowed',
          resourceType: 'task',
          resourceId: id,
          subjectPseudonym: personId ? (pseudonyms.get(personId) ?? null) : null,
          purpose: ctx.purpose,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
      });
    },

    async list(ctx, filter, page) {
      const now = clock.now().toISOString();
      let query = kysely.selectFrom('tasks').selectAll().where('workspace_id', '=', ctx.workspaceId);
      if (filter.assigneeId !== undefined) query = query.where('assignee_id', '=', filter.assigneeId);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.overdue === true) query = query.where('status', '=', 'open').where('due_sort', '<', now);
      if (filter.overdue === false) query = query.where((eb) => eb.or([eb('status', '!=', 'open'), eb('due_sort', '>=', now)]));
      if (filter.link) query = query.where('linked_entity', '=', filter.link.entity).where('linked_id', '=', filter.link.id);
      if (filter.dueBefore !== undefined) query = query.where('due_sort', '<=', `${parseCalendarDate(filter.dueBefore, '/dueBefore')}T23:59:59.999Z`);
      if (page.cursor !== undefined) {
        const [dueSort, id] = decodeCursor(page.cursor);
        query = query.where((eb) => eb.or([eb('due_sort', '>', dueSort), eb.and([eb('due_sort', '=', dueSort), eb('id', '>', id)])]));
      }
      const rows = await query.orderBy('due_sort').orderBy('id').limit(page.limit + 1).execute();
      const more = rows.length > page.limit;
      const pageRows = rows.slice(0, page.limit);
      const personIds = [...new Set(pageRows.map(personOf).filter((p): p is string => p !== null))];
      const { readable } = await readablePersons(deps, kysely, ctx, { personIds, attributes, hideOnRefusal: true });
      const readableIds = personIds.filter((p) => readable.has(p));
      const keyMap = readableIds.length > 0 ? await keys.getDataKeys(kysely, ctx.workspaceId, readableIds) : new Map<string, DataKey>();
      const items = pageRows.map((row) => {
        const personId = personOf(row);
        return view(row, openTitle(personId === null ? undefined : keyMap.get(personId), row));
      });
      const last = pageRows.at(-1);
      return { items, nextCursor: more && last ? encodeCursor(last.due_sort, last.id) : null };
    },
  };
}
