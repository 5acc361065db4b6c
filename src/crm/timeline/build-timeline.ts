import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { parseInstant } from './parse-instant.ts';
import type { TimelineEntity, TimelineEntry, TimelineSourceRegistry } from './timeline-source.ts';

export interface TimelinePage {
  readonly items: TimelineEntry[];
  /** Opaque; give it back as `cursor` for the next (older) page. */
  readonly nextCursor: string | null;
}

export interface TimelineRequest {
  readonly limit: number;
  /** Only entries strictly older than this instant (ISO-8601), for jumping to a date. */
  readonly before?: string | undefined;
  /** A `nextCursor` of the previous page. */
  readonly cursor?: string | undefined;
}

/** Short digest of an entry id, so that a cursor stays small and names no record. */
function idDigest(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 10);
}

function encodeCursor(at: string, seen: readonly string[]): string {
  return Buffer.from(JSON.stringify([at, seen])).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; seen: Set<string> } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Array.isArray(value[1]) && value[1].length <= 1000 && value[1].every((s) => typeof s === 'string')) {
      return { at: parseInstant(value[0], '/cursor'), seen: new Set(value[1] as string[]) };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
  }
  throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid', errors: [{ path: '/cursor', message: 'invalid cursor' }] });
}

const newestFirst = (a: TimelineEntry, b: TimelineEntry) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * One page of a record's timeline: every registered source covering the entity is asked for its newest entries
 * older than the cursor, and the answers are merged newest first (ties by entry id). The cursor is the time of the
 * page's oldest entry plus digests of the entries already shown at exactly that time, so entries sharing a timestamp
 * across a page boundary are neither lost nor repeated. Sources run the gate themselves; a refusal propagates.
 *
 * @example
 * const page = await buildTimeline(timelineSources, db, ctx, { entity: 'person', id }, { limit: 50 });
 * const older = await buildTimeline(timelineSources, db, ctx, { entity: 'person', id }, { limit: 50, cursor: page.nextCursor });
 */
export async function buildTimeline(
  sources: TimelineSourceRegistry,
  db: Kysely<Database>,
  ctx: ProcessingContext,
  record: { readonly entity: TimelineEntity; readonly id: string },
  request: TimelineRequest,
): Promise<TimelinePage> {
  const from = request.cursor !== undefined ? decodeCursor(request.cursor) : undefined;
  const before = from ? new Date(new Date(from.at).getTime() + 1).toISOString() : request.before !== undefined ? parseInstant(request.before, '/before') : undefined;
  const seen = from?.seen ?? new Set<string>();
  // Entries at the cursor's own instant come back again (the bound is inclusive of it); ask for that many more.
  const limit = request.limit + seen.size;
  const answers = await Promise.all(
    sources
      .list()
      .filter((s) => s.entities.includes(record.entity))
      .map((s) => s.load(db, ctx, record, { before, limit })),
  );
  const merged = answers
    .flat()
    .map((e) => ({ ...e, at: new Date(e.at).toISOString() }))
    .filter((e) => !(from && e.at === from.at && seen.has(idDigest(e.id))))
    .sort(newestFirst);
  const items = merged.slice(0, request.limit);
  const last = items.at(-1);
  const more = merged.length > request.limit || answers.some((a) => a.length >= limit);
  if (!last || !more) return { items, nextCursor: null };
  const atLast = items.filter((e) => e.at === last.at).map((e) => idDigest(e.id));
  const carried = from && from.at === last.at ? [...seen, ...atLast] : atLast;
  return { items, nextCursor: encodeCursor(last.at, carried) };
}
