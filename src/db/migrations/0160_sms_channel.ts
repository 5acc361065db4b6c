import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { binaryType } from '../dialect.ts';

/**
 * SMS channel (src/sms) and phone verification on the privacy portal (src/rights/portal, ADR 0033): the workspace's
 * SMS gateway settings (token sealed), the channel a portal verification went by, and the outbox of verification
 * texts (number and message sealed until sent, then wiped).
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('sms_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('token', binaryType(dialect))
    .addColumn('timeout_ms', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .alterTable('portal_verifications')
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('email'))
    .execute();

  await db.schema
    .createTable('portal_sms_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('payload', binaryType(dialect))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_until', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('failed_at', 'text')
    .execute();
  // The drain reads unsent rows oldest first.
  await db.schema
    .createIndex('portal_sms_outbox_pending')
    .on('portal_sms_outbox')
    .columns(['sent_at', 'created_at'])
    .execute();
}
