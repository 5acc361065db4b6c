import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { binaryType } from '../dialect.ts';

/**
 * Consent channels (src/consent/forms, double-opt-in, preferences; src/mail): forms and their immutable versions,
 * double opt-in confirmations (token hash only), per-recipient unsubscribe tokens, public rate-limit counters and the
 * workspace's SMTP settings.
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('consent_forms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('submissions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The console lists a workspace's forms by name.
  await db.schema.createIndex('consent_forms_workspace').on('consent_forms').columns(['workspace_id', 'name', 'id']).execute();

  await db.schema
    .createTable('consent_form_versions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('form_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addPrimaryKeyConstraint('consent_form_versions_pk', ['form_id', 'version'])
    .execute();

  await db.schema
    .createTable('consent_confirmations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('form_id', 'text', (c) => c.notNull())
    .addColumn('form_version', 'integer', (c) => c.notNull())
    .addColumn('token_hash', binaryType(dialect), (c) => c.notNull())
    .addColumn('purposes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  // The eraser deletes a person's confirmations.
  await db.schema.createIndex('consent_confirmations_person').on('consent_confirmations').columns(['workspace_id', 'person_id']).execute();

  await db.schema
    .createTable('consent_recipient_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('purposes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // One token per recipient and set of purposes; found again when the next email goes out, deleted by the eraser.
  await db.schema
    .createIndex('consent_recipient_tokens_person')
    .on('consent_recipient_tokens')
    .columns(['workspace_id', 'person_id', 'purposes'])
    .unique()
    .execute();

  await db.schema
    .createTable('consent_rate_counters')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('consent_rate_counters_pk', ['bucket', 'window_start'])
    .execute();
  // Old windows are swept by age.
  await db.schema.createIndex('consent_rate_counters_window').on('consent_rate_counters').columns(['window_start']).execute();

  await db.schema
    .createTable('mail_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('secure', 'integer', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('password', binaryType(dialect))
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
