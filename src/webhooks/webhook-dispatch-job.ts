import type { Db } from '../db/database.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Job } from '../jobs/scheduler.ts';
import type { WebhooksArea } from './webhooks-area.ts';

/** How long delivered and dead deliveries stay in the log. */
const keepLogDays = 30;

/**
 * Sends due webhook deliveries every 5 seconds (one process per period holds the scheduler's lease; claims keep a
 * delivery from being sent twice even so), and forgets log entries older than 30 days.
 *
 * @example
 * const job = webhookDispatchJob({ db, clock, webhooks });
 */
export function webhookDispatchJob(deps: { readonly db: Db; readonly clock: Clock; readonly webhooks: WebhooksArea }, intervalMs = 5_000): Job {
  return {
    name: 'webhooks.dispatch',
    intervalMs,
    run: async () => {
      const db = deps.db.kysely;
      await deps.webhooks.dispatcher.dispatchDue(db);
      const before = new Date(deps.clock.now().getTime() - keepLogDays * 86_400_000).toISOString();
      const old = db.selectFrom('webhook_deliveries').select('id').where('status', 'in', ['delivered', 'dead']).where('created_at', '<', before);
      await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', old).execute();
      await db.deleteFrom('webhook_deliveries').where('status', 'in', ['delivered', 'dead']).where('created_at', '<', before).execute();
    },
  };
}
