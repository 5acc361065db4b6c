import type { Db } from '../db/database.ts';
import type { AuditCheckpoints } from '../kernel/audit/audit-checkpoints.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Job } from './scheduler.ts';

/**
 * Signs every workspace's audit head that moved since the last checkpoint, once a minute by default. The interval
 * bounds how many recent entries could be cut from the tail unnoticed (see docs/adr/0004-audit-chain.md).
 *
 * @example
 * const job = auditCheckpointJob({ db, clock, checkpoints });
 */
export function auditCheckpointJob(
  deps: { db: Db; clock: Clock; checkpoints: AuditCheckpoints },
  intervalMs = 60_000,
): Job {
  return {
    name: 'audit.checkpoint',
    intervalMs,
    run: async () => {
      await deps.checkpoints.write({ db: deps.db.kysely, clock: deps.clock });
    },
  };
}
