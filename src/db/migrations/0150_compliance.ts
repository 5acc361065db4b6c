import type { Kysely } from 'kysely';

/** Automated compliance audits: runs (with their score) and the findings of each run. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('compliance_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('checks_run', 'integer', (c) => c.notNull())
    .addColumn('checks_failed', 'integer', (c) => c.notNull())
    .addColumn('findings', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('compliance_runs_ws_started')
    .on('compliance_runs')
    .columns(['workspace_id', 'started_at'])
    .execute();

  await db.schema
    .createTable('compliance_findings')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('check_key', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('fix_link', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('compliance_findings_pk', ['run_id', 'check_key', 'subject'])
    .execute();
  await db.schema
    .createIndex('compliance_findings_ws')
    .on('compliance_findings')
    .columns(['workspace_id', 'run_id'])
    .execute();

  // The key checks count a workspace's live keys per KEK version and age in one index-only pass (1,000,000 keys).
  await db.schema
    .createIndex('person_keys_live')
    .on('person_keys')
    .columns(['workspace_id', 'destroyed_at', 'kek_version', 'created_at'])
    .execute();
}
