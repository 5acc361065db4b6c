import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Webhook deliveries name the person they are about in a column of their own (`subject_pseudonym`), so the access
 * export finds a person's disclosures by index instead of scanning every payload with LIKE. Existing deliveries are
 * backfilled from the pseudonym their payload already carries (`data.subjectPseudonym`, see webhookPayload).
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').addColumn('subject_pseudonym', 'text').execute();
  // Most events (alerts, sweeps, incidents) name no person: a partial index keeps only the deliveries that do.
  await db.schema
    .createIndex('webhook_deliveries_subject')
    .on('webhook_deliveries')
    .columns(['workspace_id', 'subject_pseudonym', 'created_at'])
    .where(sql.ref('subject_pseudonym'), 'is not', null)
    .execute();
  // The index exists before the backfill fills it: built after it, over the rows the update rewrote, PostgreSQL would
  // keep it from transactions older than the build (indcheckxmin) for a while.
  // Payloads are always written by JSON.stringify (src/webhooks/webhook-outbox.ts), so both casts are safe; a JSON
  // null (an event with no person) stays SQL NULL on both engines.
  const fromPayload =
    dialect === 'postgres'
      ? sql`(payload::jsonb -> 'data' ->> 'subjectPseudonym')`
      : sql`json_extract(payload, '$.data.subjectPseudonym')`;
  await sql`update webhook_deliveries set subject_pseudonym = ${fromPayload}`.execute(db);
}
