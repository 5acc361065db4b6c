import { sql, type Kysely } from 'kysely';

/** Staff training (modules, rules by role, assignments, attempts, reminders) and regulatory bulletins. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('training_modules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('starter_key', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('quiz', 'text', (c) => c.notNull())
    .addColumn('pass_mark', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('refresher_interval', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_modules_ws').on('training_modules').columns(['workspace_id', 'title']).execute();

  await db.schema
    .createTable('training_module_versions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('module_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('training_module_versions_pk', ['workspace_id', 'module_id', 'version'])
    .execute();

  await db.schema
    .createTable('training_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('module_id', 'text', (c) => c.notNull())
    .addColumn('role_id', 'text', (c) => c.notNull())
    .addColumn('due_days', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('training_rules_module_role', ['workspace_id', 'module_id', 'role_id'])
    .execute();
  await db.schema.createIndex('training_rules_role').on('training_rules').columns(['workspace_id', 'role_id']).execute();

  await db.schema
    .createTable('training_assignments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('module_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addColumn('best_score', 'integer')
    .addColumn('refreshed_at', 'text')
    .addColumn('prior_completed_at', 'text')
    .execute();
  await db.schema
    .createIndex('training_assignments_user')
    .on('training_assignments')
    .columns(['workspace_id', 'user_id', 'module_id'])
    .execute();
  // One current assignment per user and module, whoever syncs at the same time.
  await db.schema
    .createIndex('training_assignments_current')
    .on('training_assignments')
    .columns(['workspace_id', 'user_id', 'module_id'])
    .unique()
    .where(sql.ref('refreshed_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('training_assignments_due')
    .on('training_assignments')
    .columns(['workspace_id', 'completed_at', 'due_at'])
    .execute();

  await db.schema
    .createTable('training_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('assignment_id', 'text', (c) => c.notNull())
    .addColumn('module_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('module_version', 'integer', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('training_attempts_assignment')
    .on('training_attempts')
    .columns(['workspace_id', 'assignment_id', 'at'])
    .execute();

  await db.schema
    .createTable('training_reminders')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('sent_on', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('training_reminders_pk', ['workspace_id', 'user_id', 'sent_on'])
    .execute();

  await db.schema
    .createTable('bulletins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('role_ids', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by_type', 'text', (c) => c.notNull())
    .addColumn('published_by_id', 'text')
    .execute();
  await db.schema.createIndex('bulletins_published').on('bulletins').columns(['workspace_id', 'published_at', 'id']).execute();

  await db.schema
    .createTable('bulletin_acknowledgements')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('bulletin_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bulletin_acknowledgements_pk', ['workspace_id', 'bulletin_id', 'user_id'])
    .execute();

  // Workspaces created before this migration get the training gate setting too (off), so the console lists it.
  const now = new Date().toISOString();
  for (const w of await db.selectFrom('workspaces').select('id').execute()) {
    await db
      .insertInto('settings')
      .values({ workspace_id: w.id, key: 'training.requiredBeforePersonalData', value: 'false', updated_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
