import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { binaryType } from '../dialect.ts';

/** Custom fields, their values and the values' version counters (src/crm/custom-fields). */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('custom_fields')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('archived', 'integer', (c) => c.notNull())
    .addColumn('filterable', 'integer', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('special', 'integer', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('retention', 'text')
    .addColumn('purposes', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('custom_fields_key', ['workspace_id', 'entity', 'key'])
    .execute();

  await db.schema
    .createTable('custom_field_values')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('field_id', 'text', (c) => c.notNull())
    .addColumn('value_plain', 'text')
    .addColumn('value_cipher', binaryType(dialect))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('custom_field_values_pk', ['workspace_id', 'entity', 'record_id', 'field_id'])
    .execute();
  // Counting and deleting the values of one field.
  await db.schema.createIndex('custom_field_values_field').on('custom_field_values').columns(['workspace_id', 'field_id']).execute();

  await db.schema
    .createTable('custom_value_sets')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('custom_value_sets_pk', ['workspace_id', 'entity', 'record_id'])
    .execute();
}
