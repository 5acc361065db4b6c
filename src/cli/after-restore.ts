import type { Db } from '../db/database.ts';
import type { AppServices } from '../http/app-services.ts';
import type { Clock } from '../kernel/clock.ts';
import { reapplyShredJournal } from '../kernel/crypto/reapply-shred-journal.ts';

/** What a step run after `custodian restore` works with. */
export interface AfterRestoreContext {
  readonly db: Db;
  readonly services: AppServices;
  readonly clock: Clock;
}

/** One thing to redo on a restored database before it serves again. */
export interface AfterRestoreStep {
  readonly name: string;
  /** Runs the step; returns a one-line summary (counts only, no personal data). */
  run(ctx: AfterRestoreContext): Promise<string>;
}

/**
 * Steps `custodian restore` runs, in order, once the database is back. Each area adds one line.
 *
 * @example
 * for (const step of afterRestoreSteps) console.log(`${step.name}: ${await step.run(ctx)}`);
 */
export const afterRestoreSteps: readonly AfterRestoreStep[] = [
  {
    name: 'shred journal re-applied',
    run: async ({ db, services, clock }) => {
      const r = await reapplyShredJournal({ db, keyFiles: services.keyFiles, clock });
      return `${r.destroyedAgain} of ${r.entries} destroyed data keys destroyed again`;
    },
  },
];
