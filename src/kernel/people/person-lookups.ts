import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string has the shape of a person id (a UUID); anything else cannot name a person. */
export function isPersonId(value: string): boolean {
  return uuidPattern.test(value);
}

/**
 * Pseudonyms of the given persons of a workspace (unknown ids are absent): what the gate writes in audit entries.
 *
 * @example
 * const map = await findPseudonyms(trx, workspaceId, [personId]); // Map { personId => 'psn_…' }
 */
export async function findPseudonyms(
  db: Kysely<Database>,
  workspaceId: string,
  personIds: readonly string[],
): Promise<ReadonlyMap<string, string>> {
  const ids = [...new Set(personIds.filter(isPersonId))];
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('persons')
    .select(['id', 'pseudonym'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.pseudonym]));
}

/**
 * Whether a person (erased or not) exists in the workspace: another workspace's id answers false.
 *
 * @example
 * if (!(await personExists(db, workspaceId, id))) throw new AppError('NOT_FOUND', { resource: 'person' });
 */
export async function personExists(db: Kysely<Database>, workspaceId: string, personId: string): Promise<boolean> {
  if (!isPersonId(personId)) return false;
  const row = await db
    .selectFrom('persons')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', personId)
    .executeTakeFirst();
  return row !== undefined;
}
