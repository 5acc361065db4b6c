import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Actor } from '../../kernel/audit/audit-log.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';

/** The CRM records that have a timeline. */
export type TimelineEntity = 'person' | 'organization' | 'deal';

/** One line of a record's timeline. Values of a person appear only after the source ran the gate. */
export interface TimelineEntry {
  /** Unique within its source (`<source>:<row id>`). */
  readonly id: string;
  /** When it happened (ISO-8601 UTC); the timeline is sorted by it, newest first. */
  readonly at: string;
  /** What happened, dotted: `activity.note`, `activity.call`, `person.rectified`, `deal.stage_changed`, `task.done`, `consent.given`… */
  readonly kind: string;
  /** One line for the list. */
  readonly title: string;
  /** Optional longer text (sanitised HTML for notes) or structured facts. */
  readonly body?: string | null;
  readonly facts?: Readonly<Record<string, unknown>>;
  readonly actor?: Actor | null;
  /** Links to the other records the entry concerns (ids only). */
  readonly links?: readonly { readonly entity: TimelineEntity; readonly id: string }[];
}

/**
 * A feature that contributes to timelines (activities, rectification history, deal stages, tasks, and later consents
 * and requests). The timeline merges every source that covers the record's entity.
 *
 * @example
 * timelineSources.register({
 *   name: 'deal-stages',
 *   entities: ['deal'],
 *   async load(db, ctx, record, page) { return rows.map(toEntry); },
 * });
 */
export interface TimelineSource {
  readonly name: string;
  readonly entities: readonly TimelineEntity[];
  /**
   * Entries about the record older than `page.before` (when given), newest first, at most `page.limit`.
   * A source that shows personal data runs the gate (operation `read`) under `ctx` itself.
   */
  load(
    db: Kysely<Database>,
    ctx: ProcessingContext,
    record: { readonly entity: TimelineEntity; readonly id: string },
    page: { readonly before?: string | undefined; readonly limit: number },
  ): Promise<readonly TimelineEntry[]>;
}

export interface TimelineSourceRegistry {
  register(source: TimelineSource): void;
  list(): readonly TimelineSource[];
}

/**
 * @example
 * const timelineSources = createTimelineSourceRegistry();
 */
export function createTimelineSourceRegistry(): TimelineSourceRegistry {
  const sources: TimelineSource[] = [];
  return {
    register(source) {
      if (sources.some((s) => s.name === source.name)) throw new Error(`A timeline source named ${source.name} is already registered`);
      sources.push(source);
    },
    list: () => [...sources],
  };
}
