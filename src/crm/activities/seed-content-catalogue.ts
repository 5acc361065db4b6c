import type { WorkspaceSeeder } from '../../workspaces/create-workspace.ts';

/** The content attributes of activities and tasks about people (ADR 0012), declared in every new workspace. */
export const crmContentAttributes = [
  { entity: 'activity', attribute: 'subject', description: 'Subject of an activity about a person' },
  { entity: 'activity', attribute: 'body', description: 'Notes of an activity about a person (sanitised rich text)' },
  { entity: 'task', attribute: 'title', description: 'Title of a task about a person' },
] as const;

/**
 * Workspace seeder: declares `activity.subject`, `activity.body` and `task.title` as private content
 * (`user.content.private`), provided, kept three years by default.
 *
 * @example
 * export const workspaceSeeders = [seedBuiltinRoles, seedCatalogue, seedPurposes, seedContentCatalogue];
 */
export const seedContentCatalogue: WorkspaceSeeder = async (trx, workspaceId, clock) => {
  const now = clock.now().toISOString();
  await trx
    .insertInto('catalogue_attributes')
    .values(
      crmContentAttributes.map((a) => ({
        workspace_id: workspaceId,
        entity: a.entity,
        attribute: a.attribute,
        category: 'user.content.private',
        special: 0,
        source: 'provided',
        retention: 'P3Y',
        searchable: 0,
        builtin: 1,
        description: a.description,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
};
