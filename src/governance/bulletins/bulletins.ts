import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { BulletinTable } from '../training/training-tables.ts';
import { renderMarkdown } from '../training/render-markdown.ts';

/** A published bulletin with its acknowledgement counts (for the DPO). */
export interface Bulletin {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly roleKeys: string[];
  readonly publishedAt: string;
  /** Users currently in the addressed roles (enabled). */
  readonly addressed: number;
  /** Of those, how many acknowledged. */
  readonly acknowledged: number;
}

/** A bulletin as its reader sees it. */
export interface MyBulletin {
  readonly id: string;
  readonly title: string;
  readonly bodyHtml: string;
  readonly publishedAt: string;
  readonly acknowledgedAt: string | null;
}

/** Who acknowledged a bulletin and who has not yet. */
export interface BulletinReaders {
  readonly acknowledged: { userId: string; name: string; email: string; roleKey: string; acknowledgedAt: string }[];
  readonly pending: { userId: string; name: string; email: string; roleKey: string }[];
}

export interface BulletinDeps {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly clock: Clock;
}

async function roleMaps(db: Kysely<Database>, workspaceId: string) {
  const roles = await db.selectFrom('roles').select(['id', 'key']).where('workspace_id', '=', workspaceId).execute();
  return { byKey: new Map(roles.map((r) => [r.key, r.id])), byId: new Map(roles.map((r) => [r.id, r.key])) };
}

async function readersOf(db: Kysely<Database>, workspaceId: string, row: BulletinTable) {
  const roleIds = JSON.parse(row.role_ids) as string[];
  if (roleIds.length === 0) return [];
  return db
    .selectFrom('users as u')
    .innerJoin('roles as r', (j) => j.onRef('r.id', '=', 'u.role_id').onRef('r.workspace_id', '=', 'u.workspace_id'))
    .leftJoin('bulletin_acknowledgements as b', (j) =>
      j.onRef('b.workspace_id', '=', 'u.workspace_id').onRef('b.user_id', '=', 'u.id').on('b.bulletin_id', '=', row.id),
    )
    .select(['u.id', 'u.name', 'u.email', 'r.key', 'b.acknowledged_at'])
    .where('u.workspace_id', '=', workspaceId)
    .where('u.role_id', 'in', roleIds)
    .where('u.disabled', '=', 0)
    .orderBy('u.name')
    .orderBy('u.id')
    .execute();
}

/**
 * Publishes a bulletin to the users of the chosen roles (also those who join them later). Refuses an unknown role
 * (422) or an empty title or body (400).
 *
 * @example
 * const b = await publishBulletin(deps, ctx, { title: 'New EDPB guidelines', body: '…', roleKeys: ['sales'] });
 */
export async function publishBulletin(
  deps: BulletinDeps,
  ctx: ActorContext,
  input: { title: string; body: string; roleKeys: readonly string[] },
): Promise<Bulletin> {
  if (input.title.trim() === '' || input.body.trim() === '') {
    throw new AppError('VALIDATION_FAILED', { detail: 'A bulletin needs a title and a body', errors: [{ path: input.title.trim() === '' ? '/title' : '/body', message: 'empty' }] });
  }
  const id = randomUUID();
  await deps.db.transaction().execute(async (trx) => {
    const { byKey } = await roleMaps(trx, ctx.workspaceId);
    const unknown = input.roleKeys.filter((k) => !byKey.has(k));
    if (unknown.length > 0 || input.roleKeys.length === 0) {
      throw new AppError('UNPROCESSABLE', { detail: input.roleKeys.length === 0 ? 'Choose at least one role' : 'Unknown role', errors: [{ path: '/roleKeys', message: 'unknown' }], unknownRoles: unknown });
    }
    await trx
      .insertInto('bulletins')
      .values({
        id,
        workspace_id: ctx.workspaceId,
        title: input.title.trim(),
        body: input.body,
        role_ids: JSON.stringify([...new Set(input.roleKeys)].map((k) => byKey.get(k))),
        published_at: deps.clock.now().toISOString(),
        published_by_type: ctx.actor.type,
        published_by_id: ctx.actor.id,
      })
      .execute();
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action: 'bulletin.publish',
      outcome: 'allowed',
      resourceType: 'bulletin',
      resourceId: id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: { roles: [...new Set(input.roleKeys)] },
    });
  });
  return getBulletinOrThrow(deps.db, ctx.workspaceId, id);
}

async function bulletinOf(db: Kysely<Database>, workspaceId: string, row: BulletinTable, roleKeyOf: ReadonlyMap<string, string>): Promise<Bulletin> {
  const readers = await readersOf(db, workspaceId, row);
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    roleKeys: (JSON.parse(row.role_ids) as string[]).map((id) => roleKeyOf.get(id) ?? id),
    publishedAt: row.published_at,
    addressed: readers.length,
    acknowledged: readers.filter((r) => r.acknowledged_at !== null).length,
  };
}

/** One bulletin with its counts, or 404. */
export async function getBulletinOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Bulletin> {
  const row = await db.selectFrom('bulletins').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { resource: 'bulletin' });
  return bulletinOf(db, workspaceId, row, (await roleMaps(db, workspaceId)).byId);
}

/**
 * Bulletins newest first, a page at a time: `cursor` is the `nextCursor` of the previous page.
 *
 * @example
 * const { items, nextCursor } = await listBulletins(db, workspaceId, { limit: 20 });
 */
export async function listBulletins(
  db: Kysely<Database>,
  workspaceId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: Bulletin[]; nextCursor: string | null }> {
  let query = db.selectFrom('bulletins').selectAll().where('workspace_id', '=', workspaceId);
  if (page.cursor) {
    const [at, id] = Buffer.from(page.cursor, 'base64url').toString('utf8').split('|');
    if (!at || !id) throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid', errors: [{ path: '/cursor', message: 'invalid' }] });
    query = query.where((eb) => eb.or([eb('published_at', '<', at), eb.and([eb('published_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query.orderBy('published_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
  const { byId } = await roleMaps(db, workspaceId);
  const pageRows = rows.slice(0, page.limit);
  const items = await Promise.all(pageRows.map((r) => bulletinOf(db, workspaceId, r, byId)));
  const last = pageRows.at(-1);
  const nextCursor = rows.length > page.limit && last ? Buffer.from(`${last.published_at}|${last.id}`).toString('base64url') : null;
  return { items, nextCursor };
}

/** Who acknowledged the bulletin and who has not (users of the addressed roles now). */
export async function bulletinReaders(db: Kysely<Database>, workspaceId: string, id: string): Promise<BulletinReaders> {
  const row = await db.selectFrom('bulletins').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { resource: 'bulletin' });
  const readers = await readersOf(db, workspaceId, row);
  return {
    acknowledged: readers.flatMap((r) => (r.acknowledged_at ? [{ userId: r.id, name: r.name, email: r.email, roleKey: r.key, acknowledgedAt: r.acknowledged_at }] : [])),
    pending: readers.flatMap((r) => (r.acknowledged_at ? [] : [{ userId: r.id, name: r.name, email: r.email, roleKey: r.key }])),
  };
}

async function roleOfUser(db: Kysely<Database>, workspaceId: string, userId: string): Promise<string> {
  const user = await db.selectFrom('users').select('role_id').where('workspace_id', '=', workspaceId).where('id', '=', userId).executeTakeFirstOrThrow();
  return user.role_id;
}

/**
 * The bulletins addressed to the user's role, unacknowledged first, newest first.
 *
 * @example
 * const items = await listMyBulletins(db, workspaceId, userId);
 */
export async function listMyBulletins(db: Kysely<Database>, workspaceId: string, userId: string): Promise<MyBulletin[]> {
  const roleId = await roleOfUser(db, workspaceId, userId);
  const rows = await db
    .selectFrom('bulletins as b')
    .leftJoin('bulletin_acknowledgements as a', (j) =>
      j.onRef('a.workspace_id', '=', 'b.workspace_id').onRef('a.bulletin_id', '=', 'b.id').on('a.user_id', '=', userId),
    )
    .select(['b.id', 'b.title', 'b.body', 'b.role_ids', 'b.published_at', 'a.acknowledged_at'])
    .where('b.workspace_id', '=', workspaceId)
    .orderBy('b.published_at', 'desc')
    .orderBy('b.id', 'desc')
    .limit(500)
    .execute();
  const mine = rows
    .filter((r) => (JSON.parse(r.role_ids) as string[]).includes(roleId))
    .map((r) => ({ id: r.id, title: r.title, bodyHtml: renderMarkdown(r.body), publishedAt: r.published_at, acknowledgedAt: r.acknowledged_at }));
  return [...mine.filter((b) => !b.acknowledgedAt), ...mine.filter((b) => b.acknowledgedAt)];
}

/**
 * Records that the user read a bulletin (once; acknowledging again answers the first acknowledgement). 404 for an
 * unknown bulletin, 403 `BULLETIN_NOT_ADDRESSED` when the user's role is not among its roles.
 *
 * @example
 * const { acknowledgedAt } = await acknowledgeBulletin(deps, ctx, userId, bulletinId);
 */
export async function acknowledgeBulletin(deps: BulletinDeps, ctx: ActorContext, userId: string, bulletinId: string): Promise<{ acknowledgedAt: string }> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('bulletins').select(['id', 'role_ids']).where('workspace_id', '=', ctx.workspaceId).where('id', '=', bulletinId).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'bulletin' });
    const roleId = await roleOfUser(trx, ctx.workspaceId, userId);
    if (!(JSON.parse(row.role_ids) as string[]).includes(roleId)) throw new AppError('BULLETIN_NOT_ADDRESSED');
    const existing = await trx
      .selectFrom('bulletin_acknowledgements')
      .select('acknowledged_at')
      .where('workspace_id', '=', ctx.workspaceId)
      .where('bulletin_id', '=', bulletinId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (existing) return { acknowledgedAt: existing.acknowledged_at };
    const at = deps.clock.now().toISOString();
    await trx.insertInto('bulletin_acknowledgements').values({ workspace_id: ctx.workspaceId, bulletin_id: bulletinId, user_id: userId, acknowledged_at: at }).execute();
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action: 'bulletin.acknowledge',
      outcome: 'allowed',
      resourceType: 'bulletin',
      resourceId: bulletinId,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
    });
    return { acknowledgedAt: at };
  });
}
