import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { PersonEraser } from './person-erasers.ts';
import { setWiseScope } from './set-wise-eraser.ts';

/** The tables of a person's standing, as `eraseStanding` empties them. */
const standingTables = ['consent_events', 'consent_records', 'objections', 'restrictions'] as const;

/** Removes a person's standing (consent events, objections, restrictions); the kernel's `eraseStanding`. */
export type EraseStanding = (trx: Kysely<Database>, workspaceId: string, personId: string) => Promise<unknown>;

/**
 * The eraser of a person's standing per purpose. It keeps a copy of the rows in memory while the run is in its
 * reversible phase, so that a later failure can put them back.
 *
 * @example
 * erasers.register(createStandingEraser(eraseStanding));
 */
export function createStandingEraser(eraseStanding: EraseStanding): PersonEraser {
  return {
    name: 'standing',
    async erase(trx, target) {
      const { workspaceId, personId } = target;
      const consentEvents = await trx
        .selectFrom('consent_events')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('person_id', '=', personId)
        .execute();
      const objections = await trx
        .selectFrom('objections')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('person_id', '=', personId)
        .execute();
      const restrictions = await trx
        .selectFrom('restrictions')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('person_id', '=', personId)
        .execute();
      await eraseStanding(trx, workspaceId, personId);
      return {
        erased: consentEvents.length + objections.length + restrictions.length,
        undo: async (t) => {
          // Batches keep each statement well under the bind-parameter limits of both databases.
          for (let i = 0; i < consentEvents.length; i += 500) {
            await t.insertInto('consent_events').values(consentEvents.slice(i, i + 500)).execute();
          }
          if (objections.length > 0) await t.insertInto('objections').values(objections).execute();
          if (restrictions.length > 0) await t.insertInto('restrictions').values(restrictions).execute();
        },
      };
    },
    async eraseMany(trx, targets) {
      const { workspaceId, ids } = setWiseScope(targets);
      for (const table of standingTables)
        await trx.deleteFrom(table).where('workspace_id', '=', workspaceId).where('person_id', 'in', ids).execute();
    },
  };
}
