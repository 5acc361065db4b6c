import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { Job } from '../../jobs/scheduler.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { sendTrainingReminders } from './send-training-reminders.ts';
import { syncTrainingAssignments } from './sync-training-assignments.ts';

/**
 * Hourly, for every workspace: assigns training to users who joined a role, re-assigns modules whose refresher
 * interval has run out, then sends the day's reminders (at most one email per user per day).
 *
 * @example
 * const job = trainingJob({ db: db.kysely, dialect: db.dialect, clock, mailer });
 */
export function trainingJob(
  deps: { db: Kysely<Database>; dialect: DialectName; clock: Clock; mailer: Mailer },
  intervalMs = 3_600_000,
): Job {
  return {
    name: 'training.assign-and-remind',
    intervalMs,
    run: async () => {
      const workspaces = await deps.db.selectFrom('workspaces').select('id').execute();
      for (const w of workspaces) {
        await deps.db.transaction().execute((trx) => syncTrainingAssignments({ db: trx, clock: deps.clock }, w.id));
        await sendTrainingReminders(deps, w.id);
      }
    },
  };
}
