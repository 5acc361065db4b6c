import type { Db } from '../../db/database.ts';
import type { Job } from '../../jobs/scheduler.ts';
import type { RopaService } from './ropa-service.ts';

/**
 * Takes a new version of every workspace's records of processing when an input changed outside the governance
 * registers (a purpose, the catalogue, a role's MFA, a key rotation); every five minutes by default, so an as-of
 * read is at most that late for such changes (governance changes are recorded at once).
 *
 * @example
 * const job = ropaSnapshotJob({ db, ropa: services.governance.ropa });
 */
export function ropaSnapshotJob(deps: { db: Db; ropa: RopaService }, intervalMs = 300_000): Job {
  return {
    name: 'governance.ropa-snapshot',
    intervalMs,
    run: async () => {
      const workspaces = await deps.db.kysely.selectFrom('workspaces').select('id').execute();
      for (const { id } of workspaces) await deps.ropa.record(deps.db.kysely, id, 'change');
    },
  };
}
