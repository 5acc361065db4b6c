import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { binaryType } from '../dialect.ts';

/**
 * Data subject requests (src/rights/requests): the requests, their timeline, the sentences the portal shows the
 * person, the stored result file and the reminders already sent. Personal values are envelopes under the request's
 * own data key (a `person_keys` row keyed by the request id; ADR 0021).
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bin = binaryType(dialect);
  await db.schema
    .createTable('requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('assignee_id', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('original_due_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('extended_until', 'text')
    .addColumn('extension_reason', 'text')
    .addColumn('extended_at', 'text')
    .addColumn('identity_verified_at', 'text')
    .addColumn('identity_method', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('refusal_reason', 'text')
    .addColumn('requester_email', bin)
    .addColumn('requester_email_index', bin)
    .addColumn('details', bin)
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('purged_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addUniqueConstraint('requests_reference', ['workspace_id', 'reference'])
    .execute();
  await db.schema
    .createIndex('requests_due')
    .on('requests')
    .columns(['workspace_id', 'due_at', 'id'])
    .execute();
  // Covers the status filters and the home widget's counts (assignee included: no table lookups).
  await db.schema
    .createIndex('requests_status')
    .on('requests')
    .columns(['workspace_id', 'status', 'due_at', 'assignee_id'])
    .execute();
  await db.schema
    .createIndex('requests_assignee')
    .on('requests')
    .columns(['workspace_id', 'assignee_id', 'due_at'])
    .execute();
  await db.schema
    .createIndex('requests_person')
    .on('requests')
    .columns(['workspace_id', 'person_id'])
    .execute();
  await db.schema
    .createIndex('requests_email_index')
    .on('requests')
    .columns(['workspace_id', 'requester_email_index'])
    .execute();

  await db.schema
    .createTable('request_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('personal_summary', bin)
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addUniqueConstraint('request_steps_seq', ['request_id', 'seq'])
    .execute();

  await db.schema
    .createTable('request_outcomes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('sentence', bin, (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('request_outcomes_request')
    .on('request_outcomes')
    .columns(['request_id', 'at'])
    .execute();

  await db.schema
    .createTable('request_results')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('requests.id'))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('body', bin, (c) => c.notNull())
    .addColumn('stored_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('request_reminders_sent')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('request_reminders_sent_pk', ['request_id', 'kind', 'due_at'])
    .execute();
}
