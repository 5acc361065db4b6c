import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../src/crm/timeline/build-timeline.ts';
import { createTimelineSourceRegistry, type TimelineEntry, type TimelineSource } from '../../src/crm/timeline/timeline-source.ts';
import type { Database } from '../../src/db/schema.ts';
import type { ProcessingContext } from '../../src/kernel/gate/processing-context.ts';

const ctx: ProcessingContext = { workspaceId: 'ws', actor: { type: 'user', id: 'u' }, purpose: 'crm', role: { purposes: ['*'], dataCategories: ['*'] } };
// In-memory sources never touch the database handle.
const db = {} as Kysely<Database>;
const record = { entity: 'person' as const, id: 'p1' };

/** A source over fixed entries that honours `before` and `limit` as the interface asks. */
function fixedSource(name: string, entries: readonly TimelineEntry[]): TimelineSource {
  const sorted = [...entries].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1));
  return {
    name,
    entities: ['person'],
    load: async (_db, _ctx, _record, page) => sorted.filter((e) => page.before === undefined || e.at < page.before).slice(0, page.limit),
  };
}

async function pageThrough(sources: TimelineSource[], limit: number): Promise<string[]> {
  const registry = createTimelineSourceRegistry();
  for (const s of sources) registry.register(s);
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await buildTimeline(registry, db, ctx, record, { limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((e) => e.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('did not end');
}

describe('buildTimeline', () => {
  it('pages through any mix of sources and shared timestamps exactly once, newest first', async () => {
    const minute = fc.integer({ min: 0, max: 5 }).map((m) => new Date(Date.UTC(2026, 2, 1, 10, m)).toISOString());
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(minute, { maxLength: 12 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 5 }), async (perSource, limit) => {
        const sources = perSource.map((times, s) => fixedSource(`s${s}`, times.map((at, i) => ({ id: `s${s}:${String(i).padStart(2, '0')}`, at, kind: 'test', title: `${s}/${i}` }))));
        const everything = await pageThrough(sources, 1000);
        const paged = await pageThrough(sources, limit);
        expect(paged).toEqual(everything);
        expect(new Set(paged).size).toBe(perSource.flat().length);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a forged cursor and an impossible `before`', async () => {
    const registry = createTimelineSourceRegistry();
    await expect(buildTimeline(registry, db, ctx, record, { limit: 5, cursor: 'bm90LWpzb24' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(buildTimeline(registry, db, ctx, record, { limit: 5, before: '2026-02-30T00:00:00Z' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
