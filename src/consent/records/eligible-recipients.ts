import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * "Who may receive marketing email now": the people whose consent for the purpose is valid at `now` (given or
 * renewed, not expired), who have not objected to it (pending or upheld) and whose processing is not restricted.
 * One query through the `consent_records` index; ids only.
 *
 * @example
 * const ids = await eligibleRecipients(db, workspaceId, 'email_marketing', clock.now().toISOString());
 */
export async function eligibleRecipients(db: Kysely<Database>, workspaceId: string, purpose: string, now: string): Promise<string[]> {
  const rows = await db
    .selectFrom('consent_records as r')
    .select('r.person_id')
    .where('r.workspace_id', '=', workspaceId)
    .where('r.purpose_key', '=', purpose)
    .where('r.state', 'in', ['given', 'renewed'])
    .where((eb) => eb.or([eb('r.expires_at', 'is', null), eb('r.expires_at', '>', now)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('objections as o')
            .select('o.id')
            .whereRef('o.workspace_id', '=', 'r.workspace_id')
            .whereRef('o.person_id', '=', 'r.person_id')
            .where('o.purpose_key', '=', purpose)
            .where('o.outcome', 'in', ['pending', 'upheld']),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('restrictions as x')
            .select('x.id')
            .whereRef('x.workspace_id', '=', 'r.workspace_id')
            .whereRef('x.person_id', '=', 'r.person_id')
            .where('x.lifted_at', 'is', null),
        ),
      ),
    )
    .execute();
  return rows.map((r) => r.person_id);
}
