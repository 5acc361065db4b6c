import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ErasureTarget } from './person-erasers.ts';

/**
 * What a batched erasure does to a person: `delete` removes everything (the per-person pipeline's behaviour);
 * `anonymise` removes identity the same way but lets erasers that support it keep non-identifying aggregates
 * (ADR 0025: activities keep their type, time and deal links, stripped of content and of the person).
 */
export const erasureModes = ['delete', 'anonymise'] as const;
export type ErasureMode = (typeof erasureModes)[number];

/**
 * The set-wise form of a registered eraser (same `name`), used by the batched erasure (`erase-people.ts`) instead of
 * calling the eraser once per person: one statement per table for the whole batch. It runs inside the batch's single
 * transaction, so it needs no undo (a failure rolls the whole batch back). It must leave the same rows behind as the
 * registered eraser does for each person (the retention tests compare both paths table by table).
 *
 * @example
 * const dealPeople: SetWiseEraser = {
 *   name: 'deal-people',
 *   async eraseMany(trx, targets) {
 *     await trx.deleteFrom('deal_people').where('workspace_id', '=', targets[0].workspaceId).where('person_id', 'in', targets.map((t) => t.personId)).execute();
 *   },
 * };
 */
export interface SetWiseEraser {
  readonly name: string;
  /** True when `anonymise` keeps something `delete` removes; the certificate then names the step `anonymise:<name>`. */
  readonly anonymises?: boolean;
  /** Every target is of one workspace and not erased; `mode` says whether aggregates may stay. */
  eraseMany(
    trx: Kysely<Database>,
    targets: readonly ErasureTarget[],
    options: { readonly mode: ErasureMode },
  ): Promise<void>;
}
