import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { autoIncrement, bigIntType } from '../dialect.ts';

/** Pipelines, stages, deals, their people and stage history (src/crm/deals/deal-tables.ts). */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('pipelines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pipelines_workspace').on('pipelines').columns(['workspace_id', 'created_at']).execute();

  await db.schema
    .createTable('pipeline_stages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('pipeline_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('probability', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pipeline_stages_pipeline').on('pipeline_stages').columns(['workspace_id', 'pipeline_id', 'position']).execute();

  await db.schema
    .createTable('deals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_key', 'text', (c) => c.notNull())
    .addColumn('amount', bigIntType(dialect), (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('expected_close_date', 'text')
    .addColumn('owner_user_id', 'text')
    .addColumn('pipeline_id', 'text', (c) => c.notNull())
    .addColumn('stage_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('organization_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('close_reason', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deals_stage').on('deals').columns(['workspace_id', 'stage_id', 'position']).execute();
  await db.schema.createIndex('deals_pipeline').on('deals').columns(['workspace_id', 'pipeline_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('deals_created').on('deals').columns(['workspace_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('deals_organization').on('deals').columns(['workspace_id', 'organization_id']).execute();
  await db.schema.createIndex('deals_owner').on('deals').columns(['workspace_id', 'owner_user_id']).execute();
  await db.schema.createIndex('deals_close').on('deals').columns(['workspace_id', 'expected_close_date']).execute();

  await db.schema
    .createTable('deal_people')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('deal_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('deal_people_pk', ['deal_id', 'person_id'])
    .execute();
  await db.schema.createIndex('deal_people_person').on('deal_people').columns(['workspace_id', 'person_id']).execute();

  await db.schema
    .createTable('deal_stage_history')
    .addColumn('id', 'integer', autoIncrement(dialect))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('deal_id', 'text', (c) => c.notNull())
    .addColumn('from_stage_id', 'text')
    .addColumn('from_stage_name', 'text')
    .addColumn('to_stage_id', 'text', (c) => c.notNull())
    .addColumn('to_stage_name', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deal_stage_history_deal').on('deal_stage_history').columns(['workspace_id', 'deal_id', 'changed_at']).execute();

  // Workspaces created before this migration get the "Sales" pipeline new workspaces are seeded with
  // (src/crm/deals/pipelines/seed-default-pipeline.ts); the stage list is repeated here so this step never changes.
  const at = new Date().toISOString();
  const stages = [['Lead', 10, 'open'], ['Qualified', 25, 'open'], ['Proposal', 50, 'open'], ['Negotiation', 75, 'open'], ['Won', 100, 'won'], ['Lost', 0, 'lost']] as const;
  for (const w of await db.selectFrom('workspaces').select('id').execute()) {
    const id = randomUUID();
    await db.insertInto('pipelines').values({ id, workspace_id: w.id, name: 'Sales', is_default: 1, created_at: at, updated_at: at, version: 1 }).execute();
    await db
      .insertInto('pipeline_stages')
      .values(stages.map(([name, probability, kind], position) => ({ id: randomUUID(), workspace_id: w.id, pipeline_id: id, name, position, probability, kind, created_at: at, updated_at: at })))
      .execute();
  }
}
