import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { binaryType } from '../dialect.ts';

/**
 * Consent records after ISO/IEC TS 27560 (src/consent/records): the current record per person and purpose, and the
 * evidence, validity and jurisdiction of each event in `consent_events`; privacy notices and their versions
 * (src/consent/notices).
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bytes = binaryType(dialect);
  await db.schema
    .createTable('consent_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('purpose_key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('notice_version_id', 'text')
    .addColumn('jurisdiction', 'text', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('renewal_reminded_at', 'text')
    .addUniqueConstraint('consent_records_person_purpose', ['workspace_id', 'person_id', 'purpose_key'])
    .execute();
  // "Who may receive marketing email now" (covering: the person id is read from the index) and expiry sweeps.
  await db.schema
    .createIndex('consent_records_purpose_state')
    .on('consent_records')
    .columns(['workspace_id', 'purpose_key', 'state', 'expires_at', 'person_id'])
    .execute();

  for (const [name, type] of [
    ['event_id', 'text'],
    ['record_id', 'text'],
    ['jurisdiction', 'text'],
    ['language', 'text'],
    ['expires_at', 'text'],
    ['form_id', 'text'],
  ] as const) {
    await db.schema.alterTable('consent_events').addColumn(name, type).execute();
  }
  await db.schema.alterTable('consent_events').addColumn('explicit', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('consent_events').addColumn('evidence', bytes).execute();
  await db.schema.createIndex('consent_events_event_id').on('consent_events').columns(['workspace_id', 'event_id']).execute();
  await db.schema.createIndex('consent_events_time').on('consent_events').columns(['workspace_id', 'purpose_key', 'recorded_at']).execute();

  await db.schema
    .createTable('privacy_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('purpose_key', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('privacy_notices_purpose_language', ['workspace_id', 'purpose_key', 'language'])
    .execute();
  await db.schema
    .createTable('notice_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('privacy_notices.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('markdown', 'text', (c) => c.notNull())
    .addColumn('digest', 'text')
    .addColumn('purpose_version', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('published_by', 'text')
    .addUniqueConstraint('notice_versions_number', ['notice_id', 'version'])
    .execute();
}
