import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { EraseMany } from './set-wise-eraser.ts';

/** The person being erased, as erasers see it. Ids only. */
export interface ErasureTarget {
  readonly workspaceId: string;
  readonly personId: string;
  readonly pseudonym: string;
  readonly runId: string;
  /** When the run started (ISO-8601 UTC). */
  readonly at: string;
}

/**
 * Something an eraser holds about a person, grouped by category and purpose so that the pipeline can decide the
 * Art. 17(3) exceptions: e.g. `{ category: 'user.financial', purpose: 'accounting', since: '2025-01-10T…', count: 3 }`.
 */
export interface Holding {
  readonly category: string;
  /** Key of the purpose the data is held under (its lawful basis and retention decide the exception). */
  readonly purpose: string;
  /** Time of the newest record of the group: the retention period runs from it. */
  readonly since: string;
  readonly count: number;
}

/** What an eraser did. `undo` compensates it while the pipeline is still in its reversible phase. */
export interface EraserOutcome {
  readonly erased: number;
  readonly undo?: (trx: Kysely<Database>) => Promise<void>;
}

/**
 * The extension point of the erasure pipeline: every feature that stores something referring to a person registers
 * an eraser, and the one pipeline calls them all. Data an eraser is told to keep must not depend on the person's data
 * key (it is destroyed at the end of the run): re-key or reduce it before.
 *
 * @example
 * erasers.register({
 *   name: 'notes',
 *   async erase(trx, target) {
 *     const saved = await trx.selectFrom('notes').selectAll().where('person_id', '=', target.personId).execute();
 *     await trx.deleteFrom('notes').where('person_id', '=', target.personId).execute();
 *     return { erased: saved.length, undo: async (t) => { if (saved.length) await t.insertInto('notes').values(saved).execute(); } };
 *   },
 * });
 */
export interface PersonEraser {
  /** Stable name; the step is called `erase:<name>`. */
  readonly name: string;
  /** False for erasers that cannot be undone (telling a processor); they run in the irreversible phase. Default true. */
  readonly reversible?: boolean;
  /** What it holds, for the Art. 17(3) decision. Absent: nothing is ever kept. */
  inventory?(trx: Kysely<Database>, target: ErasureTarget): Promise<readonly Holding[]>;
  /** Removes or anonymises everything about the person except `kept`. Idempotent. */
  erase(trx: Kysely<Database>, target: ErasureTarget, kept: readonly Holding[]): Promise<EraserOutcome>;
  /**
   * The set-wise form of `erase` for the batched erasure (retention sweeps): the same rows removed for many persons
   * of one workspace in one statement per table (see `EraseMany`). Declare it beside `erase` and keep the two in step
   * (the retention tests compare both paths table by table). Absent: the batch calls `erase` once per person.
   */
  readonly eraseMany?: EraseMany;
  /** True when `eraseMany` in mode `anonymise` keeps something `delete` removes (step `anonymise:<name>`). */
  readonly anonymises?: boolean;
}

/** The registered erasers, in registration order. */
export interface EraserRegistry {
  register(eraser: PersonEraser): void;
  list(): readonly PersonEraser[];
}

/**
 * @example
 * const erasers = createEraserRegistry();
 * erasers.register(standingEraser);
 */
export function createEraserRegistry(initial: readonly PersonEraser[] = []): EraserRegistry {
  const list: PersonEraser[] = [];
  const registry: EraserRegistry = {
    register(eraser) {
      if (list.some((e) => e.name === eraser.name)) throw new Error(`An eraser named ${eraser.name} is already registered`);
      list.push(eraser);
    },
    list: () => [...list],
  };
  for (const e of initial) registry.register(e);
  return registry;
}
