import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/** Incident and breach register (src/monitoring/incidents): incidents and their append-only timeline. */
export async function up(db: Kysely<any>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('occurred_from', 'text', (c) => c.notNull())
    .addColumn('occurred_to', 'text')
    .addColumn('aware_at', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema
    .createIndex('incidents_reference')
    .on('incidents')
    .columns(['workspace_id', 'reference'])
    .unique()
    .execute();
  // The register lists open incidents by their clock (awareness first).
  await db.schema
    .createIndex('incidents_status_aware')
    .on('incidents')
    .columns(['workspace_id', 'status', 'aware_at', 'id'])
    .execute();
  // An alert becomes at most one incident.
  await db.schema
    .createIndex('incidents_alert')
    .on('incidents')
    .columns(['workspace_id', 'alert_id'])
    .execute();

  await db.schema
    .createTable('incident_timeline')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_timeline_incident')
    .on('incident_timeline')
    .columns(['workspace_id', 'incident_id', 'at'])
    .execute();
}
