import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { binaryType } from '../dialect.ts';

/**
 * People (data subjects, values encrypted per person), their blind indexes, the suppression list, legal holds, and
 * the erasure pipeline's runs and certificates (src/kernel/people, src/kernel/erasure).
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bytes = binaryType(dialect);
  await db.schema
    .createTable('persons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('pseudonym', 'text', (c) => c.notNull())
    .addColumn('first_name', bytes)
    .addColumn('last_name', bytes)
    .addColumn('email', bytes)
    .addColumn('phone', bytes)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text')
    .addColumn('erasing_run_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('persons_pseudonym', ['workspace_id', 'pseudonym'])
    .execute();
  // Cursor pagination in creation order.
  await db.schema.createIndex('persons_created').on('persons').columns(['workspace_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('person_blind_indexes')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('hash', bytes, (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_blind_indexes_pk', ['workspace_id', 'field', 'hash', 'person_id'])
    .execute();
  // Erasure and updates delete a person's rows.
  await db.schema
    .createIndex('person_blind_indexes_person')
    .on('person_blind_indexes')
    .columns(['person_id'])
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('hash', bytes, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addPrimaryKeyConstraint('suppressions_pk', ['workspace_id', 'kind', 'hash'])
    .execute();

  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text')
    .addColumn('matter', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'text', (c) => c.notNull())
    .addColumn('placed_by_type', 'text', (c) => c.notNull())
    .addColumn('placed_by_id', 'text')
    .addColumn('released_at', 'text')
    .execute();
  await db.schema.createIndex('legal_holds_person').on('legal_holds').columns(['workspace_id', 'person_id']).execute();
  await db.schema
    .createTable('legal_hold_persons')
    .addColumn('hold_id', 'text', (c) => c.notNull().references('legal_holds.id'))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('legal_hold_persons_pk', ['hold_id', 'person_id'])
    .execute();
  await db.schema
    .createIndex('legal_hold_persons_person')
    .on('legal_hold_persons')
    .columns(['workspace_id', 'person_id'])
    .execute();

  await db.schema
    .createTable('erasure_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('subject_pseudonym', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('kept', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('error_code', 'text')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('certificate_id', 'text')
    .execute();
  await db.schema.createIndex('erasure_runs_person').on('erasure_runs').columns(['workspace_id', 'person_id']).execute();

  await db.schema
    .createTable('erasure_certificates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('subject_pseudonym', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('kept', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('erasure_certificates_issued')
    .on('erasure_certificates')
    .columns(['workspace_id', 'issued_at', 'id'])
    .execute();
}
