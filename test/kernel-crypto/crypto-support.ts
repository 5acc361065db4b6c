import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../src/db/database.ts';

/** Inserts a bare workspace row (the key tables reference it) and returns its id. */
export async function insertWorkspace(db: Db, name = 'Crypto test'): Promise<string> {
  const id = randomUUID();
  await db.kysely
    .insertInto('workspaces')
    .values({ id, name, regime: 'gdpr', created_at: '2026-03-02T10:00:00.000Z' })
    .execute();
  return id;
}

/**
 * A table that stands in for the people table in these tests: one encrypted value per person, created on the test's
 * own database only.
 */
export async function createValueTable(db: Db): Promise<Kysely<any>> {
  const k = db.kysely as unknown as Kysely<any>;
  await k.schema
    .createTable('crypto_test_values')
    .addColumn('person_id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('plaintext', 'text', (c) => c.notNull())
    .addColumn('ciphertext', db.dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();
  return k;
}
