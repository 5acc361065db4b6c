import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ActorType } from '../../kernel/audit/audit-log.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import { readablePersons, type ReadablePersonsDeps } from '../timeline/readable-persons.ts';
import type { TimelineEntity, TimelineEntry, TimelineSource } from '../timeline/timeline-source.ts';
import { activityContent } from './activity-content.ts';
import { activityAttributes } from './activity-types.ts';

/** Title of an entry whose content the gate does not allow under the request's purpose. */
export const hiddenTitle = 'Hidden: a person it concerns does not allow this processing';

/**
 * The activities linked to a record, as timeline entries. The gate runs once per page for every person the page's
 * activities concern. On a person's timeline a refusal about that person (or about the role or purpose) is the answer;
 * elsewhere the activities of refused persons show as hidden entries (kind and time only).
 *
 * @example
 * timelineSources.register(createActivityTimelineSource({ keys, fieldCipher, gate, purposes, catalogue }));
 */
export function createActivityTimelineSource(
  deps: ReadablePersonsDeps & { readonly keys: KeyService; readonly fieldCipher: FieldCipher },
): TimelineSource {
  const content = activityContent(deps);
  return {
    name: 'activities',
    entities: ['person', 'organization', 'deal'],
    async load(db, ctx, record, page) {
      let query = db
        .selectFrom('activity_links as l')
        .innerJoin('activities as a', (j) => j.onRef('a.id', '=', 'l.activity_id').onRef('a.workspace_id', '=', 'l.workspace_id'))
        .selectAll('a')
        .where('l.workspace_id', '=', ctx.workspaceId)
        .where('l.entity', '=', record.entity)
        .where('l.record_id', '=', record.id);
      if (page.before !== undefined) query = query.where('l.occurred_at', '<', page.before);
      const rows = await query.orderBy('l.occurred_at', 'desc').orderBy('l.activity_id', 'desc').limit(page.limit).execute();
      if (rows.length === 0) return [];
      const links = await linksOf(db, ctx.workspaceId, rows.map((r) => r.id));
      const personIds = [...new Set([...links.values()].flat().filter((l) => l.entity === 'person').map((l) => l.id))];
      // On another person's, an organization's or a deal's timeline a refusal hides what people it concerns.
      const hideOnRefusal = record.entity !== 'person';
      const { readable, refusal } = await readablePersons(deps, db, ctx, { personIds, attributes: { entity: 'activity', names: activityAttributes }, hideOnRefusal });
      if (refusal && record.entity === 'person' && !readable.has(record.id)) throw refusal;
      const keyPersons = [...new Set(rows.map((r) => r.key_person_id).filter((id): id is string => id !== null && readable.has(id)))];
      const keys = keyPersons.length > 0 ? await deps.keys.getDataKeys(db, ctx.workspaceId, keyPersons) : new Map();
      const entries: TimelineEntry[] = [];
      for (const row of rows) {
        const rowLinks = links.get(row.id) ?? [];
        const allowed = rowLinks.every((l) => l.entity !== 'person' || readable.has(l.id));
        const key = row.key_person_id === null ? undefined : keys.get(row.key_person_id);
        // A key person's key shredded while the row survived (a restore before cleanup): nothing can be shown.
        if (row.key_person_id !== null && allowed && !key) continue;
        const plain = !allowed ? null : key ? content.openWith(key, row) : { subject: row.subject_text ?? '', body: row.body_text };
        entries.push({
          id: `activity:${row.id}`,
          at: row.occurred_at,
          kind: `activity.${row.type}`,
          title: plain ? plain.subject : hiddenTitle,
          body: plain ? plain.body : null,
          facts: {
            activityId: row.id,
            version: row.version,
            hidden: plain === null,
            durationMinutes: row.duration_minutes,
            direction: row.direction,
            outcome: row.outcome,
          },
          actor: { type: row.created_by_type as ActorType, id: row.created_by_id },
          links: rowLinks,
        });
      }
      return entries;
    },
  };
}

async function linksOf(
  db: Kysely<Database>,
  workspaceId: string,
  activityIds: readonly string[],
): Promise<Map<string, { entity: TimelineEntity; id: string }[]>> {
  const rows = await db
    .selectFrom('activity_links')
    .select(['activity_id', 'entity', 'record_id'])
    .where('workspace_id', '=', workspaceId)
    .where('activity_id', 'in', activityIds)
    .orderBy('activity_id')
    .orderBy('position')
    .execute();
  const out = new Map<string, { entity: TimelineEntity; id: string }[]>();
  for (const r of rows) {
    const list = out.get(r.activity_id) ?? [];
    list.push({ entity: r.entity as TimelineEntity, id: r.record_id });
    out.set(r.activity_id, list);
  }
  return out;
}
