import type { Kysely } from 'kysely';

/** People imports: progress of each import and its rejected rows (src/crm/import). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('on_duplicate', 'text', (c) => c.notNull())
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('default_country', 'text')
    .addColumn('ignore_unknown', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('header_digest', 'text')
    .addColumn('total_rows', 'integer')
    .addColumn('last_row', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('suppressed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_code', 'text')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  // Listing a workspace's imports, newest first.
  await db.schema.createIndex('imports_workspace_created').on('imports').columns(['workspace_id', 'created_at']).execute();

  await db.schema
    .createTable('import_rejections')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('column_name', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  // The report reads one import's rejections in row order.
  await db.schema
    .createIndex('import_rejections_import')
    .on('import_rejections')
    .columns(['workspace_id', 'import_id', 'row_number'])
    .execute();
}
