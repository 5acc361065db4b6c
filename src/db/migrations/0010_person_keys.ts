import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { binaryType } from '../dialect.ts';

/** Per-person data keys, wrapped under a versioned KEK (src/kernel/crypto/key-service.ts). */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('person_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('kek_version', 'integer', (c) => c.notNull())
    .addColumn('wrapped_key', binaryType(dialect), (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('destroyed_at', 'text')
    .addUniqueConstraint('person_keys_person', ['workspace_id', 'person_id'])
    .execute();
  // Rotation selects the keys not yet on the current KEK version.
  await db.schema
    .createIndex('person_keys_kek_version')
    .on('person_keys')
    .columns(['kek_version', 'id'])
    .execute();
}
