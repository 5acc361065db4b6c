import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Actor } from '../audit/audit-log.ts';
import type { ProcessingContext } from '../gate/processing-context.ts';
import type { PeopleService } from './people-service.ts';

/** One timeline line, shaped like `TimelineEntry` (src/crm/timeline/timeline-source.ts; the kernel imports no feature). */
interface HistoryEntry {
  readonly id: string;
  readonly at: string;
  readonly kind: 'person.rectified' | 'person.created';
  readonly title: string;
  readonly body: string | null;
  readonly facts: Readonly<Record<string, unknown>>;
  readonly actor: Actor | null;
}

/**
 * The person's own timeline source: each rectification (fields, old values, reason, who) and the creation with its
 * provenance. The values are read through `people.rectifications`, which runs the gate (operation `read`).
 *
 * @example
 * timelineSources.register(createPersonHistoryTimelineSource(peopleArea.people));
 */
export function createPersonHistoryTimelineSource(people: Pick<PeopleService, 'rectifications' | 'get'>) {
  return {
    name: 'person-history',
    entities: ['person'] as const,
    async load(
      _db: Kysely<Database>,
      ctx: ProcessingContext,
      record: { readonly entity: string; readonly id: string },
      page: { readonly before?: string | undefined; readonly limit: number },
    ): Promise<HistoryEntry[]> {
      if (record.entity !== 'person') return [];
      const changes = await people.rectifications(ctx, record.id, page);
      const entries: HistoryEntry[] = changes.map((c) => ({
        id: `person-history:${c.id}`,
        at: c.at,
        kind: 'person.rectified',
        title: `Changed ${c.fields.join(', ')}`,
        body: c.reason,
        facts: { fields: c.fields, oldValues: c.oldValues, version: c.version },
        actor: c.actor,
      }));
      if (entries.length < page.limit) {
        const person = await people.get(ctx, record.id);
        if (page.before === undefined || person.createdAt < page.before) {
          entries.push({
            id: `person-history:created:${person.id}`,
            at: person.createdAt,
            kind: 'person.created',
            title: `Created (source: ${person.provenance.source})`,
            body: null,
            facts: { provenance: person.provenance },
            actor: null,
          });
        }
      }
      return entries;
    },
  };
}
