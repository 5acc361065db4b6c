import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { DataKey } from '../../kernel/crypto/key-service.ts';

/** The two people of a merge, as reassigners see them. Ids and keys only. */
export interface MergeTarget {
  readonly workspaceId: string;
  /** The person merged away (deleted at the end of the merge, their key destroyed). */
  readonly fromPersonId: string;
  /** The person kept. */
  readonly toPersonId: string;
  /** Keys to re-encrypt values bound to the merged-away person under the kept person's key. */
  readonly fromKey: DataKey;
  readonly toKey: DataKey;
}

/**
 * The extension point of merging two people: every feature that stores rows pointing at a person registers a
 * reassigner, and the merge calls them all in its one transaction so that activities, deals, tasks and the like
 * follow the kept person. Values encrypted under the merged-away person's key must be re-encrypted (with the new
 * row binding) under `toKey`, since that key is destroyed when the merge commits.
 *
 * @example
 * personReassigners.register({
 *   name: 'deal-people',
 *   async reassign(trx, t) {
 *     const r = await trx.updateTable('deal_people').set({ person_id: t.toPersonId })
 *       .where('workspace_id', '=', t.workspaceId).where('person_id', '=', t.fromPersonId).executeTakeFirst();
 *     return Number(r.numUpdatedRows);
 *   },
 * });
 */
export interface PersonReassigner {
  /** Stable name, listed in the merge's audit entry with its count. */
  readonly name: string;
  /** Moves every row of the merged-away person to the kept one; returns how many rows moved. Idempotent. */
  reassign(trx: Kysely<Database>, target: MergeTarget): Promise<number>;
}

export interface PersonReassignerRegistry {
  register(reassigner: PersonReassigner): void;
  list(): readonly PersonReassigner[];
}

/**
 * @example
 * const personReassigners = createPersonReassignerRegistry();
 */
export function createPersonReassignerRegistry(): PersonReassignerRegistry {
  const list: PersonReassigner[] = [];
  return {
    register(reassigner) {
      if (list.some((r) => r.name === reassigner.name)) throw new Error(`A reassigner named ${reassigner.name} is already registered`);
      list.push(reassigner);
    },
    list: () => [...list],
  };
}
