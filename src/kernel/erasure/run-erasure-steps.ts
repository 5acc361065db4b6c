import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { isAppError } from '../../errors.ts';
import type { Clock } from '../clock.ts';
import type { ErasureStep, StepProgress } from './erasure-step.ts';

/** How a run ended. */
export type RunOutcome =
  | { readonly status: 'completed'; readonly steps: readonly StepProgress[] }
  | { readonly status: 'rolled_back' | 'failed'; readonly steps: readonly StepProgress[]; readonly error: unknown; readonly errorCode: string };

/**
 * Orders steps: reversible first, irreversible last, keeping the given order within each group.
 *
 * @example
 * orderSteps([destroyKey, claim]).map((s) => s.name); // ['claim', 'destroy-key']
 */
export function orderSteps<C>(steps: readonly ErasureStep<C>[]): ErasureStep<C>[] {
  return [...steps.filter((s) => s.reversible), ...steps.filter((s) => !s.reversible)];
}

function errorCodeOf(error: unknown): string {
  return isAppError(error) ? error.code : 'INTERNAL';
}

/**
 * The small runner of the erasure pipeline. The run row (`erasure_runs`, created by the caller with status `running`)
 * records each step's state in the same transaction as the step itself, so the record matches what committed.
 * A failure in a reversible step rolls that step's transaction back and undoes the done ones, newest first (status
 * `rolled_back`); a failure in an irreversible step leaves status `failed`. The error is returned, not thrown, so that
 * the caller can audit it.
 *
 * @example
 * const outcome = await runErasureSteps({ db: kysely, clock }, { runId, workspaceId }, steps, ctx);
 * if (outcome.status !== 'completed') throw outcome.error;
 */
export async function runErasureSteps<C>(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  run: { readonly runId: string; readonly workspaceId: string },
  steps: readonly ErasureStep<C>[],
  ctx: C,
): Promise<RunOutcome> {
  const ordered = orderSteps(steps);
  const progress: StepProgress[] = ordered.map((s) => ({ name: s.name, reversible: s.reversible, state: 'pending', at: null }));
  const record = (trx: Kysely<Database>, status?: string, errorCode?: string) =>
    trx
      .updateTable('erasure_runs')
      .set({
        steps: JSON.stringify(progress),
        ...(status ? { status, finished_at: deps.clock.now().toISOString() } : {}),
        ...(errorCode ? { error_code: errorCode } : {}),
      })
      .where('workspace_id', '=', run.workspaceId)
      .where('id', '=', run.runId)
      .execute();

  await record(deps.db);
  for (let i = 0; i < ordered.length; i += 1) {
    const step = ordered[i] as ErasureStep<C>;
    const line = progress[i] as StepProgress;
    try {
      await deps.db.transaction().execute(async (trx) => {
        await step.run(trx, ctx);
        line.state = 'done';
        line.at = deps.clock.now().toISOString();
        await record(trx);
      });
    } catch (error) {
      line.state = 'failed';
      line.at = deps.clock.now().toISOString();
      const errorCode = errorCodeOf(error);
      if (!step.reversible) {
        await record(deps.db, 'failed', errorCode);
        return { status: 'failed', steps: progress, error, errorCode };
      }
      for (let j = i - 1; j >= 0; j -= 1) {
        const done = ordered[j] as ErasureStep<C>;
        const doneLine = progress[j] as StepProgress;
        try {
          await deps.db.transaction().execute(async (trx) => {
            await done.undo?.(trx, ctx);
            doneLine.state = 'undone';
            doneLine.at = deps.clock.now().toISOString();
            await record(trx);
          });
        } catch {
          doneLine.state = 'undo_failed';
          await record(deps.db);
        }
      }
      const status = progress.some((p) => p.state === 'undo_failed') ? 'failed' : 'rolled_back';
      await record(deps.db, status, errorCode);
      return { status, steps: progress, error, errorCode };
    }
  }
  return { status: 'completed', steps: progress };
}
