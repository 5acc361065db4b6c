import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../kernel/clock.ts';

/** Fixed one-minute windows counted in the database, so that every server process shares them. */
export interface RateLimiter {
  /** Counts a hit in `bucket`; throws 429 `RATE_LIMITED` (with `Retry-After`) past `limit` in the current minute. */
  hit(db: Kysely<Database>, workspaceId: string, bucket: string, limit: number): Promise<void>;
}

/**
 * @example
 * const limiter = createRateLimiter({ clock });
 * await limiter.hit(db, workspaceId, `form:${formId}`, 120);
 */
export function createRateLimiter(deps: { readonly clock: Clock }): RateLimiter {
  let lastSweep = '';
  return {
    async hit(db, workspaceId, bucket, limit) {
      const now = deps.clock.now();
      const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
      const row = await db
        .insertInto('consent_rate_counters')
        .values({ bucket, window_start: windowStart, workspace_id: workspaceId, hits: 1 })
        .onConflict((oc) => oc.columns(['bucket', 'window_start']).doUpdateSet({ hits: sql<number>`consent_rate_counters.hits + 1` }))
        .returning('hits')
        .executeTakeFirstOrThrow();
      if (lastSweep !== windowStart) {
        lastSweep = windowStart;
        await db.deleteFrom('consent_rate_counters').where('window_start', '<', new Date(now.getTime() - 120_000).toISOString()).execute();
      }
      if (Number(row.hits) > limit) {
        const retry = Math.max(1, Math.ceil((Date.parse(windowStart) + 60_000 - now.getTime()) / 1000));
        throw new AppError('RATE_LIMITED', { detail: 'Too many submissions; try again in a minute' }, { 'Retry-After': String(retry) });
      }
    },
  };
}
