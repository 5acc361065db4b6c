import type { Kysely } from 'kysely';

/** Retention policies (versioned) and the record of every retention sweep (src/rights/retention, ADR 0025). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('retention_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('purpose_key', 'text')
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('start_event', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('retention_policies_ws')
    .on('retention_policies')
    .columns(['workspace_id', 'name'])
    .execute();

  await db.schema
    .createTable('retention_policy_versions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('retention_policy_versions_pk', ['workspace_id', 'policy_id', 'version'])
    .execute();

  await db.schema
    .createTable('retention_sweeps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('due', 'integer', (c) => c.notNull())
    .addColumn('erased', 'integer', (c) => c.notNull())
    .addColumn('anonymised', 'integer', (c) => c.notNull())
    .addColumn('blocked', 'integer', (c) => c.notNull())
    .addColumn('kept', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('per_policy', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .execute();
  await db.schema
    .createIndex('retention_sweeps_ws')
    .on('retention_sweeps')
    .columns(['workspace_id', 'started_at'])
    .execute();

  // Deleting an activity checks `activity_links.activity_id` (a foreign key) for that row: with no index led by the
  // column, every check scanned the whole table, so erasing activities was quadratic in the number of links.
  await db.schema.createIndex('activity_links_activity').on('activity_links').column('activity_id').execute();
}
