import type { Kysely } from 'kysely';

/** Organizations (src/crm/organizations/organization-tables.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('industry', 'text')
    .addColumn('size_band', 'text')
    .addColumn('street', 'text')
    .addColumn('city', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('region', 'text')
    .addColumn('country', 'text')
    .addColumn('owner_user_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('organizations_domain').unique().on('organizations').columns(['workspace_id', 'domain']).execute();
  await db.schema.createIndex('organizations_name').on('organizations').columns(['workspace_id', 'name_key', 'id']).execute();
  await db.schema.createIndex('organizations_created').on('organizations').columns(['workspace_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('organizations_owner').on('organizations').columns(['workspace_id', 'owner_user_id']).execute();
}
