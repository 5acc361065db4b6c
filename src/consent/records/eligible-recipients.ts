import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * "Who may receive marketing email now": the people whose consent for the purpose is valid at `now` (given or
 * renewed, not expired), who have not objected to it (pending or upheld) and whose processing is not restricted.
 * The few objecting or restricted people are read first; the consents come from a covering index
 * (`consent_records_purpose_state`), so the large part is one index range scan. Ids only.
 *
 * @example
 * const ids = await eligibleRecipients(db, workspaceId, 'email_marketing', clock.now().toISOString());
 */
export async function eligibleRecipients(db: Kysely<Database>, workspaceId: string, purpose: string, now: string): Promise<string[]> {
  const objecting = await db
    .selectFrom('objections')
    .select('person_id')
    .where('workspace_id', '=', workspaceId)
    .where('purpose_key', '=', purpose)
    .where('outcome', 'in', ['pending', 'upheld'])
    .execute();
  const restricted = await db.selectFrom('restrictions').select('person_id').where('workspace_id', '=', workspaceId).where('lifted_at', 'is', null).execute();
  const excluded = new Set([...objecting, ...restricted].map((r) => r.person_id));
  const consenting = await db
    .selectFrom('consent_records')
    .select('person_id')
    .where('workspace_id', '=', workspaceId)
    .where('purpose_key', '=', purpose)
    .where('state', 'in', ['given', 'renewed'])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
  const out: string[] = [];
  for (const { person_id } of consenting) if (!excluded.has(person_id)) out.push(person_id);
  return out;
}
