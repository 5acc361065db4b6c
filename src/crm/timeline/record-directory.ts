import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { TimelineEntity } from './timeline-source.ts';

/** Whether a live record of one entity exists in a workspace (another workspace's id answers false). */
export type RecordExists = (db: Kysely<Database>, workspaceId: string, id: string) => Promise<boolean>;

/**
 * Where links and timelines learn whether a person, organization or deal exists, without importing the use-cases of
 * the features that own those tables: one check per entity, registered once at wiring.
 *
 * @example
 * recordDirectory.register('deal', async (db, workspaceId, id) => (await findDeal(db, workspaceId, id)) !== undefined);
 * await recordDirectory.assertExists(db, workspaceId, 'deal', id); // NOT_FOUND when unknown
 */
export interface RecordDirectory {
  register(entity: TimelineEntity, exists: RecordExists): void;
  /** Whether the entity has a registered check. */
  knows(entity: TimelineEntity): boolean;
  exists(db: Kysely<Database>, workspaceId: string, entity: TimelineEntity, id: string): Promise<boolean>;
  /** Throws `NOT_FOUND` naming the entity (never the id) when the record does not exist or its entity is not served. */
  assertExists(db: Kysely<Database>, workspaceId: string, entity: TimelineEntity, id: string): Promise<void>;
}

/**
 * @example
 * const recordDirectory = createRecordDirectory();
 */
export function createRecordDirectory(): RecordDirectory {
  const checks = new Map<TimelineEntity, RecordExists>();
  const directory: RecordDirectory = {
    register(entity, exists) {
      if (checks.has(entity)) throw new Error(`A record check for ${entity} is already registered`);
      checks.set(entity, exists);
    },
    knows: (entity) => checks.has(entity),
    async exists(db, workspaceId, entity, id) {
      const check = checks.get(entity);
      return check ? check(db, workspaceId, id) : false;
    },
    async assertExists(db, workspaceId, entity, id) {
      if (!(await directory.exists(db, workspaceId, entity, id))) throw new AppError('NOT_FOUND', { resource: entity });
    },
  };
  return directory;
}
