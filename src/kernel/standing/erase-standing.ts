import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * Deletes everything the kernel holds about a person's standing (consent records and events, objections, restrictions), inside
 * the erasure pipeline's transaction. Returns how many rows went, per table.
 *
 * @example
 * await db.kysely.transaction().execute((trx) => eraseStanding(trx, workspaceId, personId));
 */
export async function eraseStanding(
  trx: Kysely<Database>,
  workspaceId: string,
  personId: string,
): Promise<{ consentEvents: number; objections: number; restrictions: number }> {
  const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  const consentEvents = await trx
    .deleteFrom('consent_events')
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  // The consent records go with their events (evidence was under the person's key, destroyed at the end of the run).
  await trx.deleteFrom('consent_records').where('workspace_id', '=', workspaceId).where('person_id', '=', personId).execute();
  const objections = await trx
    .deleteFrom('objections')
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  const restrictions = await trx
    .deleteFrom('restrictions')
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return {
    consentEvents: count(consentEvents),
    objections: count(objections),
    restrictions: count(restrictions),
  };
}
