import type { Clock } from '../../kernel/clock.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { DataKey, KeyService } from '../../kernel/crypto/key-service.ts';
import { readablePersons, type ReadablePersonsDeps } from '../timeline/readable-persons.ts';
import type { TimelineEntry, TimelineSource } from '../timeline/timeline-source.ts';
import { isOverdue, noDueSort } from './task-due.ts';
import { taskBinding } from './tasks-service.ts';
import { taskAttributes } from './task-types.ts';

/**
 * The tasks linked to a record, as timeline entries: an open task at its creation, a done or cancelled one at the
 * moment it was closed. A task about a person runs the gate for that person (a refusal on the person's own timeline
 * is the answer). Tasks linked to an organization or a deal are business data.
 *
 * @example
 * timelineSources.register(createTaskTimelineSource({ clock, keys, fieldCipher, gate, purposes, catalogue }));
 */
export function createTaskTimelineSource(
  deps: ReadablePersonsDeps & { readonly clock: Clock; readonly keys: KeyService; readonly fieldCipher: FieldCipher },
): TimelineSource {
  return {
    name: 'tasks',
    entities: ['person', 'organization', 'deal'],
    async load(db, ctx, record, page) {
      let query = db
        .selectFrom('tasks')
        .selectAll()
        .where('workspace_id', '=', ctx.workspaceId)
        .where('linked_entity', '=', record.entity)
        .where('linked_id', '=', record.id);
      if (page.before !== undefined) query = query.where('timeline_at', '<', page.before);
      const rows = await query.orderBy('timeline_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
      if (rows.length === 0) return [];
      let key: DataKey | undefined;
      if (record.entity === 'person') {
        const { refusal } = await readablePersons(deps, db, ctx, { personIds: [record.id], attributes: { entity: 'task', names: taskAttributes } });
        if (refusal) throw refusal;
        key = (await deps.keys.getDataKeys(db, ctx.workspaceId, [record.id])).get(record.id);
        if (!key) return [];
      }
      const now = deps.clock.now();
      return rows.map((row): TimelineEntry => ({
        id: `task:${row.id}`,
        at: row.timeline_at,
        kind: `task.${row.status}`,
        title: key && row.title_enc ? deps.fieldCipher.decrypt(key, row.title_enc, taskBinding(row.workspace_id, row.id)) : (row.title_text ?? ''),
        body: null,
        facts: {
          taskId: row.id,
          version: row.version,
          status: row.status,
          priority: row.priority,
          dueDate: row.due_date,
          dueTime: row.due_time,
          dueAt: row.due_sort === noDueSort ? null : row.due_sort,
          overdue: isOverdue({ status: row.status, dueSort: row.due_sort }, now),
          assigneeId: row.assignee_id,
        },
        actor: null,
        links: [{ entity: record.entity, id: record.id }],
      }));
    },
  };
}
