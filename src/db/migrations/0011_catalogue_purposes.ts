import type { Kysely } from 'kysely';
import { seedCatalogue } from '../../kernel/catalogue/seed-catalogue.ts';
import { systemClock } from '../../kernel/clock.ts';
import { seedPurposes } from '../../kernel/purposes/purpose-register.ts';
import type { DialectName } from '../database.ts';
import { autoIncrement } from '../dialect.ts';
import type { Database } from '../schema.ts';

/**
 * Privacy kernel: workspace data categories and declared attributes (the catalogue), the purpose register with its
 * version history, and a person's standing per purpose (consent events, objections, restrictions). Standing rows
 * refer to a person by `person_id` without a foreign key, so that they do not depend on the people tables.
 *
 * Workspaces created before this migration get the default purposes and built-in attributes here (new ones get
 * them from the workspace seeders), so that the built-in roles' purposes exist everywhere.
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('catalogue_categories')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('special', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('criminal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalogue_categories_pk', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('catalogue_attributes')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('attribute', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('special', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('retention', 'text', (c) => c.notNull())
    .addColumn('searchable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalogue_attributes_pk', ['workspace_id', 'entity', 'attribute'])
    .execute();

  await db.schema
    .createTable('purposes')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lawful_basis', 'text', (c) => c.notNull())
    .addColumn('art9_condition', 'text')
    .addColumn('legitimate_interest_assessment', 'text')
    .addColumn('required_categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('optional_categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('retention', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('direct_marketing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('legal_claims', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('purposes_pk', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('purpose_versions')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('purpose_versions_pk', ['workspace_id', 'key', 'version'])
    .execute();

  await db.schema
    .createTable('consent_events')
    .addColumn('id', 'integer', autoIncrement(dialect))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('purpose_key', 'text', (c) => c.notNull())
    .addColumn('purpose_version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('notice_version', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .execute();
  await db.schema
    .createIndex('consent_events_person')
    .on('consent_events')
    .columns(['workspace_id', 'person_id', 'purpose_key', 'id'])
    .execute();

  await db.schema
    .createTable('objections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('purpose_key', 'text', (c) => c.notNull())
    .addColumn('objected_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('objections_person')
    .on('objections')
    .columns(['workspace_id', 'person_id'])
    .execute();

  await db.schema
    .createTable('restrictions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('restricted_at', 'text', (c) => c.notNull())
    .addColumn('lifted_at', 'text')
    .execute();
  await db.schema
    .createIndex('restrictions_person')
    .on('restrictions')
    .columns(['workspace_id', 'person_id'])
    .execute();

  await seedExistingWorkspaces(db as Kysely<Database>);
}

/** Seeds the kernel defaults into every workspace that has no purposes yet. */
export async function seedExistingWorkspaces(db: Kysely<Database>): Promise<number> {
  const workspaces = await db.selectFrom('workspaces').select('id').execute();
  let seeded = 0;
  for (const { id } of workspaces) {
    const any = await db
      .selectFrom('purposes')
      .select('key')
      .where('workspace_id', '=', id)
      .executeTakeFirst();
    if (any) continue;
    // Migrations already run inside the migrator's transaction.
    await seedCatalogue(db, id, systemClock);
    await seedPurposes(db, id, systemClock);
    seeded += 1;
  }
  return seeded;
}
