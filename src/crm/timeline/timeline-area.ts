import type { Db } from '../../db/database.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import type { EraserRegistry } from '../../kernel/erasure/person-erasers.ts';
import { isPersonId } from '../../kernel/people/person-lookups.ts';
import { createActivitiesService, type ActivitiesService } from '../activities/activities-service.ts';
import { activityEraser } from '../activities/activity-eraser.ts';
import { createActivityReassigner } from '../activities/activity-reassigner.ts';
import { createActivityTimelineSource } from '../activities/activity-timeline-source.ts';
import type { PersonReassignerRegistry } from '../merge/person-reassigners.ts';
import { taskEraser } from '../tasks/task-eraser.ts';
import { createTaskReassigner } from '../tasks/task-reassigner.ts';
import { createTaskTimelineSource } from '../tasks/task-timeline-source.ts';
import { createTasksService, type TasksService } from '../tasks/tasks-service.ts';
import type { ReadablePersonsDeps } from './readable-persons.ts';
import { createRecordDirectory, type RecordDirectory } from './record-directory.ts';
import type { TimelineSourceRegistry } from './timeline-source.ts';

/** Activities, tasks and the record directory, as `AppServices` carries them. */
export interface TimelineArea {
  /** Notes, calls, meetings and emails logged by hand. */
  readonly activities: ActivitiesService;
  /** Tasks, "my tasks", overdue. */
  readonly tasks: TasksService;
  /** Which people, organizations and deals exist (for links and timelines); a feature may register more entities. */
  readonly recordDirectory: RecordDirectory;
}

/**
 * Wires activities and tasks: their services, their timeline sources, erasers and merge reassigners, and the record
 * directory (live people, organizations and deals of the workspace).
 *
 * @example
 * const area = createTimelineArea({ db, clock, keys, fieldCipher, gate, purposes, catalogue, erasers, timelineSources, personReassigners });
 */
export function createTimelineArea(
  deps: ReadablePersonsDeps & {
    readonly db: Db;
    readonly clock: Clock;
    readonly keys: KeyService;
    readonly fieldCipher: FieldCipher;
    readonly erasers: EraserRegistry;
    readonly timelineSources: TimelineSourceRegistry;
    readonly personReassigners: PersonReassignerRegistry;
  },
): TimelineArea {
  const recordDirectory = createRecordDirectory();
  recordDirectory.register('person', async (db, workspaceId, id) => {
    if (!isPersonId(id)) return false;
    const row = await db
      .selectFrom('persons')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('erased_at', 'is', null)
      .where('erasing_run_id', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  });
  recordDirectory.register('organization', async (db, workspaceId, id) =>
    (await db.selectFrom('organizations').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst()) !== undefined,
  );
  recordDirectory.register('deal', async (db, workspaceId, id) =>
    (await db.selectFrom('deals').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst()) !== undefined,
  );
  const content = { ...deps, recordDirectory };
  deps.timelineSources.register(createActivityTimelineSource(deps));
  deps.timelineSources.register(createTaskTimelineSource(deps));
  deps.erasers.register(activityEraser);
  deps.erasers.register(taskEraser);
  deps.personReassigners.register(createActivityReassigner(deps.fieldCipher));
  deps.personReassigners.register(createTaskReassigner(deps.fieldCipher));
  return { activities: createActivitiesService(content), tasks: createTasksService(content), recordDirectory };
}
