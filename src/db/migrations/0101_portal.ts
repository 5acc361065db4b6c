import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { binaryType } from '../dialect.ts';

/**
 * Privacy portal (src/rights/portal): identity verifications (code and link hashes only), status and download links
 * (token hashes only), rate-limit counters keyed by hashes, and the outbox of emails to requesters. No table holds an
 * email address, a code or a token.
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('portal_verifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('code_hash', binaryType(dialect), (c) => c.notNull())
    .addColumn('link_hash', binaryType(dialect), (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema
    .createIndex('portal_verifications_request')
    .on('portal_verifications')
    .columns(['workspace_id', 'request_id'])
    .execute();

  await db.schema
    .createTable('portal_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('token_hash', binaryType(dialect), (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('portal_links_request')
    .on('portal_links')
    .columns(['workspace_id', 'request_id'])
    .execute();
  // Expired links are swept by age.
  await db.schema.createIndex('portal_links_expiry').on('portal_links').columns(['expires_at']).execute();

  await db.schema
    .createTable('portal_rate_counters')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('portal_rate_counters_pk', ['bucket', 'window_start'])
    .execute();
  await db.schema
    .createIndex('portal_rate_counters_window')
    .on('portal_rate_counters')
    .columns(['window_start'])
    .execute();

  await db.schema
    .createTable('portal_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_until', 'text')
    .addColumn('sent_at', 'text')
    .execute();
  // The drain reads unsent rows oldest first.
  await db.schema
    .createIndex('portal_outbox_pending')
    .on('portal_outbox')
    .columns(['sent_at', 'created_at'])
    .execute();
}
