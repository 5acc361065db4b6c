import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { binaryType } from '../dialect.ts';

/** Content attributes of activities and tasks, declared in workspaces that existed before this migration. */
const contentAttributes = [
  ['activity', 'subject', 'Subject of an activity about a person'],
  ['activity', 'body', 'Notes of an activity about a person (sanitised rich text)'],
  ['task', 'title', 'Title of a task about a person'],
] as const;

/**
 * Activities (notes, calls, meetings, emails logged by hand) with their links to people, organizations and deals,
 * and tasks (src/crm/activities, src/crm/tasks; ADR 0012). Content about a person is encrypted under the key
 * person's data key (`*_enc`); content about no person is business data (`*_text`).
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bytes = binaryType(dialect);
  await db.schema
    .createTable('activities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('key_person_id', 'text')
    .addColumn('subject_enc', bytes)
    .addColumn('body_enc', bytes)
    .addColumn('subject_text', 'text')
    .addColumn('body_text', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer')
    .addColumn('direction', 'text')
    .addColumn('outcome', 'text')
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // Erasure and merge find the activities keyed under a person.
  await db.schema.createIndex('activities_key_person').on('activities').columns(['workspace_id', 'key_person_id']).execute();

  await db.schema
    .createTable('activity_links')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull().references('activities.id'))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    // Copied from the activity so that a record's timeline is one index range.
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('activity_links_pk', ['workspace_id', 'activity_id', 'entity', 'record_id'])
    .execute();
  await db.schema
    .createIndex('activity_links_record')
    .on('activity_links')
    .columns(['workspace_id', 'entity', 'record_id', 'occurred_at', 'activity_id'])
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('title_enc', bytes)
    .addColumn('title_text', 'text')
    .addColumn('linked_entity', 'text')
    .addColumn('linked_id', 'text')
    .addColumn('assignee_id', 'text')
    .addColumn('due_date', 'text')
    .addColumn('due_time', 'text')
    // Instant the task falls overdue (end of the due day when no time is given); '9999…' when no due date.
    .addColumn('due_sort', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    // When the task shows on its record's timeline: completion (or cancellation), else creation.
    .addColumn('timeline_at', 'text', (c) => c.notNull())
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('tasks_assignee')
    .on('tasks')
    .columns(['workspace_id', 'assignee_id', 'status', 'due_sort', 'id'])
    .execute();
  await db.schema.createIndex('tasks_due').on('tasks').columns(['workspace_id', 'due_sort', 'id']).execute();
  await db.schema
    .createIndex('tasks_linked')
    .on('tasks')
    .columns(['workspace_id', 'linked_entity', 'linked_id', 'timeline_at'])
    .execute();

  const workspaces = (await db.selectFrom('workspaces').select('id').execute()) as { id: string }[];
  const now = new Date().toISOString();
  for (const w of workspaces) {
    for (const [entity, attribute, description] of contentAttributes) {
      const exists = await db
        .selectFrom('catalogue_attributes')
        .select('attribute')
        .where('workspace_id', '=', w.id)
        .where('entity', '=', entity)
        .where('attribute', '=', attribute)
        .executeTakeFirst();
      if (exists) continue;
      await db
        .insertInto('catalogue_attributes')
        .values({
          workspace_id: w.id,
          entity,
          attribute,
          category: 'user.content.private',
          special: 0,
          source: 'provided',
          retention: 'P3Y',
          searchable: 0,
          builtin: 1,
          description,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
  }
}
