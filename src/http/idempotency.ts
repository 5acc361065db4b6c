import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../kernel/clock.ts';
import { isUniqueViolation } from '../kernel/purposes/unique-violation.ts';
import { requestContext } from './request-context.ts';

/** How long a key is remembered. */
export const idempotencyWindowMs = 24 * 60 * 60 * 1000;

/** What a create produced: the status, the id to replay from, the body and extra headers (ETag, Location). */
export interface Created<T> {
  readonly status: number;
  readonly resourceId: string;
  readonly body: T;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface IdempotentCreate<T> {
  /** Performs the create (called at most once per key). */
  readonly create: () => Promise<Created<T>>;
  /** Reads the created resource again for a replay (runs the gate like any read). */
  readonly replay: (resourceId: string) => Promise<Omit<Created<T>, 'status' | 'resourceId'>>;
}

const keyPattern = /^[\x21-\x7e]{1,255}$/;

function fingerprintOf(salt: string, request: FastifyRequest): string {
  const route = request.routeOptions.url ?? request.url;
  return createHmac('sha256', salt).update(`${request.method} ${route}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
}

/**
 * Runs a create under the request's `Idempotency-Key` (absent: just runs it). The same key with the same body
 * answers the first result again (re-read, header `Idempotent-Replayed: true`); with another body 422
 * `IDEMPOTENCY_KEY_REUSED`; while the first is still running 409 `CONFLICT`. A failed create forgets the key, so the
 * client may retry. Only a salted digest of the body is stored, never the body or the response.
 *
 * @example
 * return sendIdempotent(db, clock, request, reply, {
 *   create: async () => { const d = await deps.deals.create(ctx, body); return { status: 201, resourceId: d.id, body: d }; },
 *   replay: async (id) => ({ body: await deps.deals.get(ctx, id) }),
 * });
 */
export async function sendIdempotent<T>(
  db: Kysely<Database>,
  clock: Clock,
  request: FastifyRequest,
  reply: FastifyReply,
  work: IdempotentCreate<T>,
): Promise<FastifyReply> {
  const send = (status: number, body: T, headers: Readonly<Record<string, string>> = {}) => {
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    return reply.code(status).send(body);
  };
  const header = request.headers['idempotency-key'];
  if (header === undefined) {
    const created = await work.create();
    return send(created.status, created.body, created.headers);
  }
  if (typeof header !== 'string' || !keyPattern.test(header)) {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters',
      errors: [{ path: '/headers/idempotency-key', message: 'invalid' }],
    });
  }
  const rc = requestContext(request);
  const scope = { workspace_id: rc.workspaceId, actor: `${rc.actor.type}:${rc.actor.id ?? ''}`, key: header };
  const now = clock.now();
  await db
    .deleteFrom('idempotency_keys')
    .where('workspace_id', '=', scope.workspace_id)
    .where('actor', '=', scope.actor)
    .where('key', '=', scope.key)
    .where('created_at', '<', new Date(now.getTime() - idempotencyWindowMs).toISOString())
    .execute();
  const salt = randomBytes(16).toString('hex');
  try {
    await db
      .insertInto('idempotency_keys')
      .values({ ...scope, salt, fingerprint: fingerprintOf(salt, request), state: 'pending', status: null, resource_id: null, created_at: now.toISOString() })
      .execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const row = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('workspace_id', '=', scope.workspace_id)
      .where('actor', '=', scope.actor)
      .where('key', '=', scope.key)
      .executeTakeFirst();
    if (!row) throw new AppError('CONFLICT', { detail: 'The request with this Idempotency-Key is still being processed' });
    const same = timingSafeEqual(Buffer.from(row.fingerprint, 'hex'), Buffer.from(fingerprintOf(row.salt, request), 'hex'));
    if (!same) throw new AppError('IDEMPOTENCY_KEY_REUSED', { detail: 'This Idempotency-Key was used with another request' });
    if (row.state !== 'done' || row.resource_id === null || row.status === null) {
      throw new AppError('CONFLICT', { detail: 'The request with this Idempotency-Key is still being processed' });
    }
    const again = await work.replay(row.resource_id);
    reply.header('idempotent-replayed', 'true');
    return send(row.status, again.body, again.headers);
  }
  const forget = () =>
    db.deleteFrom('idempotency_keys').where('workspace_id', '=', scope.workspace_id).where('actor', '=', scope.actor).where('key', '=', scope.key).execute();
  let created: Created<T>;
  try {
    created = await work.create();
  } catch (error) {
    await forget();
    throw error;
  }
  await db
    .updateTable('idempotency_keys')
    .set({ state: 'done', status: created.status, resource_id: created.resourceId })
    .where('workspace_id', '=', scope.workspace_id)
    .where('actor', '=', scope.actor)
    .where('key', '=', scope.key)
    .execute();
  return send(created.status, created.body, created.headers);
}
