import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import type { Clock } from '../kernel/clock.ts';
import type { ActorContext } from '../kernel/gate/processing-context.ts';
import type { WebhookEndpoints } from './webhook-endpoints.ts';
import { webhookPayload } from './webhook-outbox.ts';

export interface WebhookDeliveryView {
  readonly id: string;
  readonly endpointId: string;
  readonly eventType: string;
  readonly status: 'pending' | 'delivered' | 'dead';
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
  /** The body sent (no personal data: pseudonyms, ids, codes). */
  readonly payload: unknown;
}

export interface WebhookAttemptView {
  readonly attemptedAt: string;
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

export interface WebhookDeliveries {
  /** An endpoint's deliveries, newest first; `cursor` is the last `createdAt|id` seen. */
  list(
    db: Kysely<Database>,
    workspaceId: string,
    endpointId: string,
    options: { readonly status?: 'pending' | 'delivered' | 'dead'; readonly cursor?: string; readonly limit?: number },
  ): Promise<{ items: WebhookDeliveryView[]; nextCursor: string | null }>;
  /** A delivery's attempts; the delivery must belong to `endpointId` (else NOT_FOUND). */
  attempts(db: Kysely<Database>, workspaceId: string, endpointId: string, deliveryId: string): Promise<WebhookAttemptView[]>;
  /** Sends a delivery again from now (a dead one is revived with a fresh attempt budget). */
  redeliver(db: Kysely<Database>, ctx: ActorContext, endpointId: string, deliveryId: string): Promise<WebhookDeliveryView>;
  /** Queues a `webhook.ping` to one endpoint, to test it. */
  ping(db: Kysely<Database>, ctx: ActorContext, endpointId: string): Promise<WebhookDeliveryView>;
}

function toView(row: Database['webhook_deliveries']): WebhookDeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventType: row.event_type,
    status: row.status as WebhookDeliveryView['status'],
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    payload: JSON.parse(row.payload) as unknown,
  };
}

/**
 * The delivery log of the webhook endpoints: listing, attempts, manual redelivery and test pings (audited).
 *
 * @example
 * const deliveries = createWebhookDeliveries({ dialect, clock, endpoints });
 * const page = await deliveries.list(db, workspaceId, endpointId, { status: 'dead' });
 */
export function createWebhookDeliveries(deps: { readonly dialect: DialectName; readonly clock: Clock; readonly endpoints: WebhookEndpoints }): WebhookDeliveries {
  async function rowOrThrow(db: Kysely<Database>, workspaceId: string, endpointId: string, id: string) {
    const row = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('endpoint_id', '=', endpointId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'webhook delivery' });
    return row;
  }

  return {
    async list(db, workspaceId, endpointId, options) {
      await deps.endpoints.get(db, workspaceId, endpointId);
      const limit = options.limit ?? 50;
      let q = db.selectFrom('webhook_deliveries').selectAll().where('workspace_id', '=', workspaceId).where('endpoint_id', '=', endpointId);
      if (options.status) q = q.where('status', '=', options.status);
      if (options.cursor) {
        const [at, id] = options.cursor.split('|');
        if (!at || !id) throw new AppError('VALIDATION_FAILED', { detail: 'cursor: not a cursor from this list', errors: [{ path: '/cursor', message: 'not a cursor from this list' }] });
        q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
      }
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      const items = rows.slice(0, limit).map(toView);
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return { items, nextCursor: last ? `${last.created_at}|${last.id}` : null };
    },

    async attempts(db, workspaceId, endpointId, deliveryId) {
      await rowOrThrow(db, workspaceId, endpointId, deliveryId);
      const rows = await db.selectFrom('webhook_attempts').selectAll().where('workspace_id', '=', workspaceId).where('delivery_id', '=', deliveryId).orderBy('id').execute();
      return rows.map((r) => ({ attemptedAt: r.attempted_at, statusCode: r.status_code, durationMs: r.duration_ms, error: r.error }));
    },

    async redeliver(db, ctx, endpointId, deliveryId) {
      return db.transaction().execute(async (trx) => {
        const row = await rowOrThrow(trx, ctx.workspaceId, endpointId, deliveryId);
        if (row.status === 'pending' && row.claimed_until && row.claimed_until > deps.clock.now().toISOString()) {
          throw new AppError('CONFLICT', { detail: 'The delivery is being sent right now' });
        }
        const now = deps.clock.now().toISOString();
        const next = { ...row, status: 'pending', attempts: 0, next_attempt_at: now, claimed_until: null };
        await trx.updateTable('webhook_deliveries').set({ status: 'pending', attempts: 0, next_attempt_at: now, claimed_until: null }).where('id', '=', row.id).execute();
        await appendAudit(trx, deps, {
          workspaceId: ctx.workspaceId,
          actor: ctx.actor,
          action: 'webhook.redeliver',
          outcome: 'allowed',
          resourceType: 'webhook_delivery',
          resourceId: row.id,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
          details: { endpointId: row.endpoint_id, eventType: row.event_type, previousStatus: row.status },
        });
        return toView(next);
      });
    },

    async ping(db, ctx, endpointId) {
      await deps.endpoints.get(db, ctx.workspaceId, endpointId);
      const now = deps.clock.now().toISOString();
      const row = {
        id: randomUUID(),
        workspace_id: ctx.workspaceId,
        endpoint_id: endpointId,
        event_type: 'webhook.ping',
        subject_pseudonym: null,
        payload: webhookPayload({ type: 'webhook.ping', workspaceId: ctx.workspaceId, subjectPseudonym: null, data: { endpointId } }, now),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        claimed_until: null,
        last_status_code: null,
        last_error: null,
        created_at: now,
        delivered_at: null,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('webhook_deliveries').values(row).execute();
        await appendAudit(trx, deps, {
          workspaceId: ctx.workspaceId,
          actor: ctx.actor,
          action: 'webhook.ping',
          outcome: 'allowed',
          resourceType: 'webhook_endpoint',
          resourceId: endpointId,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
          details: { deliveryId: row.id },
        });
      });
      return toView(row);
    },
  };
}
