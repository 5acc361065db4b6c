import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { multiRowInsert } from '../../db/multi-row-insert.ts';
import type { Database } from '../../db/schema.ts';
import type { PersonDetailRows } from './person-rows.ts';

type Columns<T extends keyof Database> = readonly (keyof Database[T] & string)[];

const personColumns: Columns<'persons'> = [
  'id', 'workspace_id', 'pseudonym', 'first_name', 'last_name', 'email', 'phone', 'job_title', 'address', 'notes', 'source_detail',
  'organization_id', 'owner_user_id', 'lifecycle_stage', 'source', 'obtained_at', 'import_id', 'created_at', 'updated_at', 'erased_at',
  'erasing_run_id', 'version',
];
const contactPointColumns: Columns<'person_contact_points'> = ['id', 'workspace_id', 'person_id', 'kind', 'position', 'value', 'label', 'is_primary'];
const blindIndexColumns: Columns<'person_blind_indexes'> = ['workspace_id', 'field', 'hash', 'person_id'];
const tagColumns: Columns<'person_tags'> = ['workspace_id', 'person_id', 'tag'];
const provenanceColumns: Columns<'person_field_provenance'> = ['workspace_id', 'person_id', 'field', 'source', 'source_detail', 'obtained_at', 'import_id'];

/**
 * Writes new people and the rows of their details (the bulk create's inserts), each table in multi-row statements.
 * Blind-index rows go in index order (field, then hash): their primary key is a hash, so a batch's rows land all over
 * the index, and in order each of its pages is visited once per statement instead of once per row.
 *
 * @example
 * await insertPeopleRows(trx, 'sqlite', personRows, details);
 */
export async function insertPeopleRows(
  trx: Kysely<Database>,
  dialect: DialectName,
  people: readonly Database['persons'][],
  details: readonly PersonDetailRows[],
): Promise<void> {
  const blindIndexes = details.flatMap((d) => d.blindIndexes);
  blindIndexes.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : Buffer.compare(a.hash, b.hash)));
  await multiRowInsert(trx, dialect, 'persons', personColumns, people);
  await multiRowInsert(trx, dialect, 'person_contact_points', contactPointColumns, details.flatMap((d) => d.contactPoints));
  await multiRowInsert(trx, dialect, 'person_blind_indexes', blindIndexColumns, blindIndexes);
  await multiRowInsert(trx, dialect, 'person_tags', tagColumns, details.flatMap((d) => d.tags));
  await multiRowInsert(trx, dialect, 'person_field_provenance', provenanceColumns, details.flatMap((d) => d.provenance));
}
