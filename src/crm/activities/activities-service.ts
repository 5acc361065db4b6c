import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { findPseudonyms } from '../../kernel/people/person-lookups.ts';
import { guardedWrite } from '../timeline/guarded-write.ts';
import { assertRecordLinks } from '../timeline/assert-record-links.ts';
import { parseInstant } from '../timeline/parse-instant.ts';
import type { ReadablePersonsDeps } from '../timeline/readable-persons.ts';
import type { RecordDirectory } from '../timeline/record-directory.ts';
import { activityContent, type ActivityContent } from './activity-content.ts';
import { activityAttributes, activityLimits, type ActivityInput, type ActivityPatch, type ActivityView, type RecordLink } from './activity-types.ts';
import { sanitizeActivityBody } from './sanitize-activity-body.ts';

type ActivityRow = Database['activities'];

export interface ActivitiesDeps extends ReadablePersonsDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly recordDirectory: RecordDirectory;
}

/** The activity use-cases. Content about people passes the gate under the context's purpose (ADR 0012). */
export interface ActivitiesService {
  create(ctx: ProcessingContext, input: ActivityInput): Promise<ActivityView>;
  /** `NOT_FOUND` for an unknown id or another workspace's. */
  get(ctx: ProcessingContext, id: string): Promise<ActivityView>;
  /** `PRECONDITION_FAILED` when `expectedVersion` is stale. */
  update(ctx: ProcessingContext, id: string, expectedVersion: number, patch: ActivityPatch): Promise<ActivityView>;
  remove(ctx: ProcessingContext, id: string): Promise<void>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const attributes = { entity: 'activity', names: activityAttributes } as const;

/** The stored facts of an activity after validation (content still plain). */
interface Normalised {
  readonly type: ActivityInput['type'];
  readonly subject: string;
  readonly body: string | null;
  readonly occurredAt: string;
  readonly durationMinutes: number | null;
  readonly direction: ActivityInput['direction'] | null;
  readonly outcome: ActivityInput['outcome'] | null;
}

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail, errors: [{ path, message }] });
}

/** Checks the values the schema cannot: trimmed subject, sanitised body, real dates, direction only where it means something. */
function normalise(input: Omit<ActivityInput, 'links'>): Normalised {
  const subject = input.subject.trim();
  if (subject === '' || subject.length > activityLimits.subject) throw invalid('/subject', 'empty or too long', `Give a subject of 1 to ${activityLimits.subject} characters`);
  const body = input.body == null ? null : sanitizeActivityBody(input.body);
  if (body !== null && body.length > activityLimits.body) throw invalid('/body', 'too long', 'The body is too long');
  const direction = input.direction ?? null;
  if (direction !== null && input.type !== 'call' && input.type !== 'email') {
    throw invalid('/direction', 'only for calls and emails', 'A direction is given only for calls and emails');
  }
  return {
    type: input.type,
    subject,
    body: body === '' ? null : body,
    occurredAt: parseInstant(input.occurredAt, '/occurredAt'),
    durationMinutes: input.durationMinutes ?? null,
    direction,
    outcome: input.outcome ?? null,
  };
}

function personIdsOf(links: readonly RecordLink[]): string[] {
  return links.filter((l) => l.entity === 'person').map((l) => l.id);
}

/**
 * @example
 * const activities = createActivitiesService({ db, clock, keys, fieldCipher, gate, purposes, catalogue, recordDirectory });
 * const call = await activities.create(ctx, { type: 'call', subject: 'Intro', occurredAt: '2026-03-02T10:00:00Z', links: [{ entity: 'person', id }] });
 */
export function createActivitiesService(deps: ActivitiesDeps): ActivitiesService {
  const { db, clock, gate } = deps;
  const kysely = db.kysely;
  const content = activityContent(deps);

  const findRow = async (executor: Kysely<Database>, workspaceId: string, id: string): Promise<ActivityRow | undefined> => {
    if (!uuid.test(id)) return undefined;
    return executor.selectFrom('activities').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  };
  const linksOf = async (executor: Kysely<Database>, workspaceId: string, id: string): Promise<RecordLink[]> =>
    (
      await executor
        .selectFrom('activity_links')
        .select(['entity', 'record_id'])
        .where('workspace_id', '=', workspaceId)
        .where('activity_id', '=', id)
        .orderBy('position')
        .execute()
    ).map((l) => ({ entity: l.entity as RecordLink['entity'], id: l.record_id }));

  const view = (row: ActivityRow, links: readonly RecordLink[], plain: ActivityContent): ActivityView => ({
    id: row.id,
    type: row.type as ActivityView['type'],
    subject: plain.subject,
    body: plain.body,
    occurredAt: row.occurred_at,
    durationMinutes: row.duration_minutes,
    direction: row.direction as ActivityView['direction'],
    outcome: row.outcome as ActivityView['outcome'],
    links: [...links],
    keyPersonId: row.key_person_id,
    createdBy: { type: row.created_by_type as ActivityView['createdBy']['type'], id: row.created_by_id },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  });

  const writeLinks = async (trx: Kysely<Database>, workspaceId: string, id: string, links: readonly RecordLink[], occurredAt: string) => {
    await trx.deleteFrom('activity_links').where('workspace_id', '=', workspaceId).where('activity_id', '=', id).execute();
    if (links.length === 0) return;
    await trx
      .insertInto('activity_links')
      .values(links.map((l, position) => ({ workspace_id: workspaceId, activity_id: id, entity: l.entity, record_id: l.id, position, occurred_at: occurredAt })))
      .execute();
  };

  const guardedDeps = { db, clock, gate, attributes, resourceType: 'activity' };
  const guarded = <T>(ctx: ProcessingContext, personIds: readonly string[], entry: { action: string; resourceId: string }, work: (trx: Kysely<Database>) => Promise<T>) =>
    guardedWrite(guardedDeps, ctx, personIds, entry, work);

  return {
    async create(ctx, input) {
      const values = normalise(input);
      const links = await assertRecordLinks(deps.recordDirectory, kysely, ctx.workspaceId, input.links, { path: '/links', max: activityLimits.links });
      const personIds = personIdsOf(links);
      const id = randomUUID();
      const now = clock.now().toISOString();
      return guarded(ctx, personIds, { action: 'activity.create', resourceId: id }, async (trx) => {
        const keyPersonId = personIds[0] ?? null;
        const row: ActivityRow = {
          id,
          workspace_id: ctx.workspaceId,
          type: values.type,
          key_person_id: keyPersonId,
          ...(await content.seal(trx, ctx.workspaceId, id, keyPersonId, { subject: values.subject, body: values.body })),
          occurred_at: values.occurredAt,
          duration_minutes: values.durationMinutes,
          direction: values.direction ?? null,
          outcome: values.outcome ?? null,
          created_by_type: ctx.actor.type,
          created_by_id: ctx.actor.id,
          created_at: now,
          updated_at: now,
          version: 1,
        };
        await trx.insertInto('activities').values(row).execute();
        await writeLinks(trx, ctx.workspaceId, id, links, values.occurredAt);
        return view(row, links, { subject: values.subject, body: values.body });
      });
    },

    async get(ctx, id) {
      const row = await findRow(kysely, ctx.workspaceId, id);
      if (!row) throw new AppError('NOT_FOUND', { resource: 'activity' });
      const links = await linksOf(kysely, ctx.workspaceId, id);
      const personIds = personIdsOf(links);
      if (personIds.length > 0) await gate.check(kysely, ctx, { personIds, operation: 'read', attributes });
      return view(row, links, await content.open(kysely, row));
    },

    async update(ctx, id, expectedVersion, patch) {
      const before = await findRow(kysely, ctx.workspaceId, id);
      if (!before) throw new AppError('NOT_FOUND', { resource: 'activity' });
      const oldLinks = await linksOf(kysely, ctx.workspaceId, id);
      const links = patch.links
        ? await assertRecordLinks(deps.recordDirectory, kysely, ctx.workspaceId, patch.links, { path: '/links', max: activityLimits.links })
        : oldLinks;
      const personIds = [...new Set([...personIdsOf(links), ...personIdsOf(oldLinks)])];
      return guarded(ctx, personIds, { action: 'activity.update', resourceId: id }, async (trx) => {
        const row = await forUpdate(trx.selectFrom('activities').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', id), db.dialect).executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', { resource: 'activity' });
        if (row.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { currentVersion: row.version });
        const plain = await content.open(trx, row);
        const values = normalise({
          type: patch.type ?? (row.type as ActivityInput['type']),
          subject: patch.subject ?? plain.subject,
          body: patch.body === undefined ? plain.body : patch.body,
          occurredAt: patch.occurredAt ?? row.occurred_at,
          durationMinutes: patch.durationMinutes === undefined ? row.duration_minutes : patch.durationMinutes,
          direction: patch.direction === undefined ? (row.direction as ActivityInput['direction']) : patch.direction,
          outcome: patch.outcome === undefined ? (row.outcome as ActivityInput['outcome']) : patch.outcome,
        });
        const keyPersonId = personIdsOf(links)[0] ?? null;
        const updated: ActivityRow = {
          ...row,
          type: values.type,
          key_person_id: keyPersonId,
          ...(await content.seal(trx, ctx.workspaceId, id, keyPersonId, { subject: values.subject, body: values.body })),
          occurred_at: values.occurredAt,
          duration_minutes: values.durationMinutes,
          direction: values.direction ?? null,
          outcome: values.outcome ?? null,
          updated_at: clock.now().toISOString(),
          version: row.version + 1,
        };
        const { id: _id, workspace_id: _w, ...changes } = updated;
        await trx.updateTable('activities').set(changes).where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).execute();
        await writeLinks(trx, ctx.workspaceId, id, links, values.occurredAt);
        return view(updated, links, { subject: values.subject, body: values.body });
      });
    },

    async remove(ctx, id) {
      const row = await findRow(kysely, ctx.workspaceId, id);
      if (!row) throw new AppError('NOT_FOUND', { resource: 'activity' });
      const pseudonyms = row.key_person_id ? await findPseudonyms(kysely, ctx.workspaceId, [row.key_person_id]) : new Map<string, string>();
      await kysely.transaction().execute(async (trx) => {
        await trx.deleteFrom('activity_links').where('workspace_id', '=', ctx.workspaceId).where('activity_id', '=', id).execute();
        const deleted = await trx.deleteFrom('activities').where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) throw new AppError('NOT_FOUND', { resource: 'activity' });
        await appendAudit(trx, { dialect: db.dialect, clock }, {
          workspaceId: ctx.workspaceId,
          actor: ctx.actor,
          action: 'activity.delete',
          outcome: 'allowed',
          resourceType: 'activity',
          resourceId: id,
          subjectPseudonym: row.key_person_id ? (pseudonyms.get(row.key_person_id) ?? null) : null,
          purpose: ctx.purpose,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
      });
    },
  };
}

