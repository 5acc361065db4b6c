import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';

/** A lease a continuous worker renews while it runs (unlike the scheduler's per-period leases). */
export interface DetectorLease {
  /** Takes the lease if free or expired, renews it if held; true when this holder has it until now + leaseMs. */
  claim(): Promise<boolean>;
  /** Gives the lease up (on shutdown), so another process takes over at once. */
  release(): Promise<void>;
}

const epoch = new Date(0).toISOString();

/**
 * A renewable lease in `job_leases`: one conditional UPDATE claims it when this process already holds it or when it
 * has expired, so at most one process at a time wins it (PostgreSQL orders the competing UPDATEs on the row; SQLite
 * serialises writes).
 *
 * @example
 * const lease = createDetectorLease({ db, clock, holderId, name: 'anomaly-detector', leaseMs: 30_000 });
 * if (await lease.claim()) await work();
 */
export function createDetectorLease(deps: {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly holderId: string;
  readonly name: string;
  readonly leaseMs: number;
}): DetectorLease {
  const { db, clock, holderId, name } = deps;
  return {
    async claim() {
      await db
        .insertInto('job_leases')
        .values({ name, holder: null, expires_at: epoch })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const now = clock.now();
      const result = await db
        .updateTable('job_leases')
        .set({ holder: holderId, expires_at: new Date(now.getTime() + deps.leaseMs).toISOString() })
        .where('name', '=', name)
        .where((eb) => eb.or([eb('holder', '=', holderId), eb('expires_at', '<=', now.toISOString())]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async release() {
      await db
        .updateTable('job_leases')
        .set({ holder: null, expires_at: epoch })
        .where('name', '=', name)
        .where('holder', '=', holderId)
        .execute();
    },
  };
}
