import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * One step of an erasure. Reversible steps run first, each in its own transaction; when one fails, the runner
 * undoes the ones already done, newest first. Irreversible steps run last and are never undone: a failure there
 * leaves the run `failed`, to be run again (every step is written to be idempotent).
 *
 * @example
 * const lock: ErasureStep<Ctx> = {
 *   name: 'claim',
 *   reversible: true,
 *   run: (trx, ctx) => markErasing(trx, ctx),
 *   undo: (trx, ctx) => unmarkErasing(trx, ctx),
 * };
 */
export interface ErasureStep<C> {
  /** Stable name, recorded in `erasure_runs.steps` and on the certificate. */
  readonly name: string;
  readonly reversible: boolean;
  run(trx: Kysely<Database>, ctx: C): Promise<void>;
  /** Compensates `run` (reversible steps). Absent: nothing to undo (a check). */
  undo?(trx: Kysely<Database>, ctx: C): Promise<void>;
}

/** State of a step in a run's progress record. */
export type StepState = 'pending' | 'done' | 'failed' | 'undone' | 'undo_failed';

/** One line of `erasure_runs.steps`. */
export interface StepProgress {
  readonly name: string;
  readonly reversible: boolean;
  state: StepState;
  at: string | null;
}
