import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { DataKey } from '../crypto/key-service.ts';
import type { ErasureTarget } from './person-erasers.ts';
import type { SuppressionHash } from './suppression-list.ts';

/**
 * What a batched erasure does to a person: `delete` removes everything (the per-person pipeline's behaviour);
 * `anonymise` removes identity the same way but lets erasers that support it keep non-identifying aggregates
 * (ADR 0025: activities keep their type, time and deal links, stripped of content and of the person).
 */
export const erasureModes = ['delete', 'anonymise'] as const;
export type ErasureMode = (typeof erasureModes)[number];

/** What the batch gives a set-wise form besides the targets. */
export interface SetWiseOptions {
  readonly mode: ErasureMode;
  /** The database, for statements written per dialect (e.g. `workspaceFilter`). */
  readonly dialect: DialectName;
  /**
   * The targets' data keys, unwrapped once by the batch (persons without a live key are absent). Only for reading
   * what must be hashed before the keys are destroyed (suppression); never stored.
   */
  readonly keys: ReadonlyMap<string, DataKey>;
}

/** What a set-wise form hands back to the batch. */
export interface SetWiseOutcome {
  /**
   * Suppression hashes per run, written by the batch with its own (one journal append, one multi-row insert) in its
   * irreversible suppression step, as the per-person form would have added them.
   */
  readonly suppress?: readonly { readonly runId: string; readonly hashes: readonly SuppressionHash[] }[];
}

/**
 * The set-wise form of an eraser (`PersonEraser.eraseMany`), used by the batched erasure (`erase-people.ts`) instead
 * of calling `erase` once per person: one statement per table for the whole batch. It runs inside the batch's single
 * transaction, so it needs no undo (a failure rolls the whole batch back). It must leave the same rows behind as the
 * eraser's `erase` does for each person (the retention tests erase twin persons through both paths and compare every
 * table). Declared on the eraser itself, beside its per-person form, so the two are written and reviewed together.
 *
 * @example
 * const eraseMany: EraseMany = async (trx, targets) => {
 *   await trx.deleteFrom('deal_people').where('workspace_id', '=', targets[0].workspaceId).where('person_id', 'in', targets.map((t) => t.personId)).execute();
 * };
 */
export type EraseMany = (
  trx: Kysely<Database>,
  targets: readonly ErasureTarget[],
  options: SetWiseOptions,
) => Promise<SetWiseOutcome | void>;

/** Workspace and person ids of a set-wise call (every target is of one workspace). */
export function setWiseScope(targets: readonly ErasureTarget[]): { workspaceId: string; ids: string[] } {
  const first = targets[0];
  if (!first) throw new Error('a set-wise eraser is called with at least one target');
  return { workspaceId: first.workspaceId, ids: targets.map((t) => t.personId) };
}
