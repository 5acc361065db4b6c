import type { Kysely } from 'kysely';
import { systemClock } from '../../kernel/clock.ts';
import { seedRequestPurpose } from '../../kernel/purposes/purpose-register.ts';
import { seedRequestAttributes } from '../../rights/requests/request-attributes.ts';
import type { Database } from '../schema.ts';

/**
 * The built-in `data_subject_requests` purpose (ADR 0034): the `answers_requests` flag on purposes, and the purpose
 * and the declared requester contact attribute (`request.requesterEmail`) in every existing workspace (new workspaces get it from the workspace seeders). A workspace's own purpose of
 * that key is replaced by a new version with the built-in fields, its history kept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('purposes')
    .addColumn('answers_requests', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  const workspaces = await (db as Kysely<Database>).selectFrom('workspaces').select('id').execute();
  // Migrations already run inside the migrator's transaction.
  for (const { id } of workspaces) {
    await seedRequestPurpose(db as Kysely<Database>, id, systemClock);
    await seedRequestAttributes(db as Kysely<Database>, id, systemClock);
  }
}
