import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { signWebhook } from './webhook-signature.ts';
import type { WebhookEndpoints } from './webhook-endpoints.ts';

/** Delays before attempts 2 to 8 (the first is immediate); after the 8th failure the delivery is `dead`. */
export const retryDelaysMs = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000] as const;
export const maxAttempts = retryDelaysMs.length + 1;

export interface DispatchResult {
  readonly delivered: number;
  readonly failed: number;
  readonly dead: number;
}

export interface WebhookDispatcher {
  /** Sends every due pending delivery this process can claim (up to `limit`), a few at a time. */
  dispatchDue(db: Kysely<Database>, options?: { readonly limit?: number }): Promise<DispatchResult>;
}

type Outcome = { statusCode: number | null; error: string | null; durationMs: number };

async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, error: ok ? null : `http_${res.status}`, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { statusCode: null, error: timedOut ? 'timeout' : 'connection_failed', durationMs: Math.round(performance.now() - started) };
  }
}

/**
 * Delivers the outbox: claims a due delivery with a conditional UPDATE (so two server processes never send the same
 * one at once), POSTs the fixed payload signed per Standard Webhooks (`webhook-id` = delivery id, stable across
 * retries), records the attempt, and on failure schedules the next one with `retryDelaysMs` until `dead`.
 *
 * @example
 * const dispatcher = createWebhookDispatcher({ clock, endpoints });
 * await dispatcher.dispatchDue(db.kysely);
 */
export function createWebhookDispatcher(deps: {
  readonly clock: Clock;
  readonly endpoints: WebhookEndpoints;
  readonly timeoutMs?: number;
  readonly concurrency?: number;
}): WebhookDispatcher {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const concurrency = deps.concurrency ?? 4;

  async function deliverOne(db: Kysely<Database>, id: string): Promise<'delivered' | 'failed' | 'dead' | 'skipped'> {
    const now = deps.clock.now();
    const claim = await db
      .updateTable('webhook_deliveries')
      .set({ claimed_until: new Date(now.getTime() + timeoutMs + 30_000).toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now.toISOString())]))
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) return 'skipped';
    const row = await db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
      .select(['webhook_deliveries.id', 'webhook_deliveries.workspace_id', 'webhook_deliveries.payload', 'webhook_deliveries.attempts', 'webhook_endpoints.url', 'webhook_endpoints.secret', 'webhook_endpoints.id as endpoint_id'])
      .where('webhook_deliveries.id', '=', id)
      .executeTakeFirst();
    if (!row) return 'skipped';
    const timestamp = Math.floor(now.getTime() / 1000);
    const secret = deps.endpoints.secretOf({ id: row.endpoint_id, secret: row.secret });
    const outcome = await post(
      row.url,
      {
        'content-type': 'application/json',
        'user-agent': 'Custodian-Webhooks/1',
        'webhook-id': row.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secret, row.id, timestamp, row.payload),
      },
      row.payload,
      timeoutMs,
    );
    const at = deps.clock.now().toISOString();
    const attempts = row.attempts + 1;
    const delivered = outcome.error === null;
    const dead = !delivered && attempts >= maxAttempts;
    const next = delivered || dead ? at : new Date(deps.clock.now().getTime() + retryDelaysMs[attempts - 1]!).toISOString();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({ workspace_id: row.workspace_id, delivery_id: row.id, attempted_at: at, status_code: outcome.statusCode, duration_ms: outcome.durationMs, error: outcome.error })
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status: delivered ? 'delivered' : dead ? 'dead' : 'pending',
          attempts,
          next_attempt_at: next,
          claimed_until: null,
          last_status_code: outcome.statusCode,
          last_error: outcome.error,
          delivered_at: delivered ? at : null,
        })
        .where('id', '=', row.id)
        .execute();
    });
    return delivered ? 'delivered' : dead ? 'dead' : 'failed';
  }

  return {
    async dispatchDue(db, options) {
      const now = deps.clock.now().toISOString();
      // Deliveries to a paused endpoint wait, pending, until it is active again.
      const due = await db
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
        .select('webhook_deliveries.id')
        .where('webhook_deliveries.status', '=', 'pending')
        .where('webhook_deliveries.next_attempt_at', '<=', now)
        .where('webhook_endpoints.active', '=', 1)
        .where((eb) => eb.or([eb('webhook_deliveries.claimed_until', 'is', null), eb('webhook_deliveries.claimed_until', '<', now)]))
        .orderBy('webhook_deliveries.next_attempt_at')
        .limit(options?.limit ?? 200)
        .execute();
      const counts = { delivered: 0, failed: 0, dead: 0 };
      const queue = due.map((d) => d.id);
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          const result = await deliverOne(db, id);
          if (result !== 'skipped') counts[result]++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
      return counts;
    },
  };
}
