import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { binaryType } from '../dialect.ts';

/** Built-in person attributes added by this migration, declared in every existing workspace's catalogue. */
const newAttributes = [
  ['jobTitle', 'user.professional_information.job_title', 'Job title'],
  ['address', 'user.contact.address', 'Postal address (street, city, postal code, region, country)'],
  ['notes', 'user.content.private', 'Private notes about the person'],
  ['sourceDetail', 'user.content.private', 'Where the data was obtained, in free text (Art. 14)'],
] as const;

/**
 * People as CRM contacts (src/kernel/people): new encrypted values and plain business columns on `persons`, several
 * emails and phones, tags, per-field provenance, rectification history.
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bytes = binaryType(dialect);
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  for (const column of ['job_title', 'address', 'notes', 'source_detail']) {
    await db.schema.alterTable('persons').addColumn(column, bytes).execute();
  }
  for (const column of ['organization_id', 'owner_user_id', 'lifecycle_stage', 'obtained_at', 'import_id']) {
    await db.schema.alterTable('persons').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('persons').addColumn('source', 'text', (c) => c.notNull().defaultTo('provided')).execute();
  // Filtered lists keep creation order (and updated order) within a filter value.
  await db.schema.createIndex('persons_stage_created').on('persons').columns(['workspace_id', 'lifecycle_stage', 'created_at', 'id']).execute();
  await db.schema.createIndex('persons_owner_created').on('persons').columns(['workspace_id', 'owner_user_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('persons_org_created').on('persons').columns(['workspace_id', 'organization_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('persons_updated').on('persons').columns(['workspace_id', 'updated_at', 'id']).execute();
  await db.schema.createIndex('persons_import').on('persons').columns(['workspace_id', 'import_id']).execute();

  await db.schema
    .createTable('person_contact_points')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('value', bytes, (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('person_contact_points_person').on('person_contact_points').columns(['workspace_id', 'person_id', 'kind', 'position']).execute();

  await db.schema
    .createTable('person_tags')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_tags_pk', ['workspace_id', 'person_id', 'tag'])
    .execute();
  // Lists filtered by tag walk the tag's people.
  await db.schema.createIndex('person_tags_tag').on('person_tags').columns(['workspace_id', 'tag', 'person_id']).execute();

  await db.schema
    .createTable('person_field_provenance')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_detail', bytes)
    .addColumn('obtained_at', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text')
    .addPrimaryKeyConstraint('person_field_provenance_pk', ['workspace_id', 'person_id', 'field'])
    .execute();

  await db.schema
    .createTable('person_rectifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('old_values', bytes, (c) => c.notNull())
    .addColumn('reason', bytes)
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('person_rectifications_person').on('person_rectifications').columns(['workspace_id', 'person_id', 'changed_at']).execute();

  // Workspaces created before this migration declare the new built-in attributes too.
  const workspaces = (await db.selectFrom('workspaces').select('id').execute()) as { id: string }[];
  const now = new Date().toISOString();
  for (const { id } of workspaces) {
    for (const [attribute, category, description] of newAttributes) {
      await db
        .insertInto('catalogue_attributes')
        .values({
          workspace_id: id, entity: 'person', attribute, category, special: 0, source: 'provided', retention: 'P3Y', searchable: 0,
          builtin: 1, description, created_at: now, updated_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
}
