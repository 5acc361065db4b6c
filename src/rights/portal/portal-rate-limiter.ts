import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../kernel/clock.ts';

/** A limit: at most `limit` hits per fixed window of `windowMs`. */
export interface PortalLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** Fixed windows counted in the database (`portal_rate_counters`), so that every server process shares them. */
export interface PortalRateLimiter {
  /** Counts a hit in `bucket`; past the limit throws 429 `RATE_LIMITED` with `Retry-After` (seconds to the window's end). */
  hit(db: Kysely<Database>, workspaceId: string, bucket: string, limit: PortalLimit): Promise<void>;
}

/** Counters older than this are swept (longer than the longest window the portal uses). */
const keepMs = 2 * 3600_000;

/**
 * @example
 * const limiter = createPortalRateLimiter({ clock });
 * await limiter.hit(db, workspaceId, `email:${tokens.bucketKey('email', email)}`, { limit: 5, windowMs: 3_600_000 });
 */
export function createPortalRateLimiter(deps: { readonly clock: Clock }): PortalRateLimiter {
  let lastSweep = 0;
  return {
    async hit(db, workspaceId, bucket, limit) {
      const now = deps.clock.now().getTime();
      const start = Math.floor(now / limit.windowMs) * limit.windowMs;
      const key = `${workspaceId}:${bucket}`;
      const row = await db
        .insertInto('portal_rate_counters')
        .values({
          bucket: key,
          window_start: new Date(start).toISOString(),
          workspace_id: workspaceId,
          hits: 1,
        })
        .onConflict((oc) =>
          oc
            .columns(['bucket', 'window_start'])
            .doUpdateSet({ hits: sql<number>`portal_rate_counters.hits + 1` }),
        )
        .returning('hits')
        .executeTakeFirstOrThrow();
      if (now - lastSweep > 60_000) {
        lastSweep = now;
        await db
          .deleteFrom('portal_rate_counters')
          .where('window_start', '<', new Date(now - keepMs).toISOString())
          .execute();
      }
      if (Number(row.hits) > limit.limit) {
        const retry = Math.max(1, Math.ceil((start + limit.windowMs - now) / 1000));
        throw new AppError(
          'RATE_LIMITED',
          { detail: 'Too many requests; try again later' },
          { 'Retry-After': String(retry) },
        );
      }
    },
  };
}
