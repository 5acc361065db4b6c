import type { Kysely } from 'kysely';

/** Governance registers: organisation, processors, transfers, records of processing, DPIAs, reminders. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('governance_organisation_versions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addPrimaryKeyConstraint('governance_organisation_versions_pk', ['workspace_id', 'version'])
    .execute();

  await db.schema
    .createTable('governance_processors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('complete', 'integer', (c) => c.notNull())
    .addColumn('review_on', 'text')
    .addColumn('agreement_expires_on', 'text')
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('governance_processors_name').on('governance_processors').columns(['workspace_id', 'name', 'id']).execute();
  await db.schema.createIndex('governance_processors_review').on('governance_processors').columns(['workspace_id', 'review_on']).execute();
  await db.schema
    .createIndex('governance_processors_expiry')
    .on('governance_processors')
    .columns(['workspace_id', 'agreement_expires_on'])
    .execute();

  await db.schema
    .createTable('governance_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('processor_id', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('tool', 'text', (c) => c.notNull())
    .addColumn('expires_on', 'text')
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('governance_transfers_processor')
    .on('governance_transfers')
    .columns(['workspace_id', 'processor_id', 'country'])
    .execute();

  await db.schema
    .createTable('governance_ropa_snapshots')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('taken_at', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('governance_ropa_snapshots_pk', ['workspace_id', 'version'])
    .execute();
  await db.schema.createIndex('governance_ropa_snapshots_taken').on('governance_ropa_snapshots').columns(['workspace_id', 'taken_at']).execute();

  await db.schema
    .createTable('governance_dpias')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('review_on', 'text')
    .addColumn('signed_at', 'text')
    .addColumn('signed_by', 'text')
    .addColumn('signed_purpose_versions', 'text')
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('governance_dpias_created').on('governance_dpias').columns(['workspace_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('governance_reminders_sent')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('governance_reminders_sent_pk', ['workspace_id', 'item_key', 'due_on'])
    .execute();
}
