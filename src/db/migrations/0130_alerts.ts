import type { Kysely } from 'kysely';
import { bigIntType, dialectOf } from '../dialect.ts';

/** Anomaly detection over the audit log: alerts, rule settings, the detector's cursor, baselines, token addresses. */
export async function up(db: Kysely<any>): Promise<void> {
  const big = bigIntType(dialectOf(db));
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('figures', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('evidence_count', 'integer', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('dismissed_at', 'text')
    .addColumn('dismissed_by', 'text')
    .addColumn('dismiss_reason', 'text')
    .addColumn('incident_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('alerts_group', ['workspace_id', 'group_key'])
    .execute();
  await db.schema
    .createIndex('alerts_list')
    .on('alerts')
    .columns(['workspace_id', 'status', 'raised_at'])
    .execute();
  await db.schema.createIndex('alerts_raised').on('alerts').columns(['workspace_id', 'raised_at']).execute();

  await db.schema
    .createTable('alert_rule_sets')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  await db.schema
    .createTable('alert_cursors')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', big, (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('alert_hourly_counts')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('actor_key', 'text', (c) => c.notNull())
    .addColumn('hour', 'text', (c) => c.notNull())
    .addColumn('count', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_hourly_counts_pk', ['workspace_id', 'metric', 'actor_key', 'hour'])
    .execute();

  await db.schema
    .createTable('alert_token_addresses')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('token_id', 'text', (c) => c.notNull())
    .addColumn('address_digest', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_token_addresses_pk', ['workspace_id', 'token_id', 'address_digest'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'alert_token_addresses',
    'alert_hourly_counts',
    'alert_cursors',
    'alert_rule_sets',
    'alerts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
