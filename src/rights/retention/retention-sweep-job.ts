import type { Db } from '../../db/database.ts';
import { isAppError } from '../../errors.ts';
import type { Job } from '../../jobs/scheduler.ts';
import type { RetentionSweeper } from './retention-sweeps.ts';

/**
 * The scheduled retention sweep (daily by default): every workspace is swept once per period across all server
 * processes (the scheduler's lease); a workspace whose sweep is already running (started on demand) is skipped.
 *
 * @example
 * platformJobs: (deps) => retentionSweepJob({ db: deps.db, sweeper: deps.services.retention.sweeper }),
 */
export function retentionSweepJob(
  deps: { readonly db: Db; readonly sweeper: Pick<RetentionSweeper, 'sweep'> },
  intervalMs = 86_400_000,
): Job {
  return {
    name: 'retention.sweep',
    intervalMs,
    async run() {
      const workspaces = await deps.db.kysely.selectFrom('workspaces').select('id').orderBy('id').execute();
      for (const w of workspaces) {
        try {
          await deps.sweeper.sweep(w.id, {
            trigger: 'schedule',
            actor: { type: 'system', id: 'retention-sweep' },
          });
        } catch (error) {
          if (!(isAppError(error) && error.code === 'RETENTION_SWEEP_RUNNING')) throw error;
        }
      }
    },
  };
}
