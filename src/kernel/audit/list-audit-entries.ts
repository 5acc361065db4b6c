import type { Kysely } from 'kysely';
import { AppError } from '../../errors.ts';
import type { Database } from '../../db/schema.ts';
import type { AuditOutcome } from './audit-log.ts';

/** Filters of the audit browser. All optional; `from` inclusive, `to` exclusive (ISO-8601). */
export interface AuditFilter {
  readonly action?: string;
  readonly actorId?: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  /** Subject pseudonym. */
  readonly subject?: string;
  readonly purpose?: string;
  readonly outcome?: AuditOutcome;
  readonly from?: string;
  readonly to?: string;
  /** Return entries with a smaller seq than this (the previous page's `nextCursor`). */
  readonly cursor?: number;
  readonly limit?: number;
}

/** An audit entry as the API shows it. */
export interface AuditEntryView {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  subjectPseudonym: string | null;
  purpose: string | null;
  outcome: AuditOutcome;
  requestId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** A bound as stored text; a time the schema let through but `Date` cannot place (a leap second) is refused. */
function isoBound(value: string, field: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new AppError('VALIDATION_FAILED', { detail: `${field} is not a valid time` });
  return time.toISOString();
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * One page of a workspace's audit log, newest first, keyset-paginated on seq.
 *
 * @example
 * const page = await listAuditEntries(db.kysely, workspaceId, { action: 'user.create', limit: 50 });
 * const next = await listAuditEntries(db.kysely, workspaceId, { action: 'user.create', cursor: page.nextCursor });
 */
export async function listAuditEntries(
  db: Kysely<Database>,
  workspaceId: string,
  filter: AuditFilter,
): Promise<{ items: AuditEntryView[]; nextCursor: number | null }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  let q = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.action !== undefined) q = q.where('action', '=', filter.action);
  if (filter.actorId !== undefined) q = q.where('actor_id', '=', filter.actorId);
  if (filter.resourceType !== undefined) q = q.where('resource_type', '=', filter.resourceType);
  if (filter.resourceId !== undefined) q = q.where('resource_id', '=', filter.resourceId);
  if (filter.subject !== undefined) q = q.where('subject_pseudonym', '=', filter.subject);
  if (filter.purpose !== undefined) q = q.where('purpose', '=', filter.purpose);
  if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
  // Stored timestamps are ISO-8601 UTC with milliseconds, so normalised bounds compare as text.
  if (filter.from !== undefined) q = q.where('at', '>=', isoBound(filter.from, 'from'));
  if (filter.to !== undefined) q = q.where('at', '<', isoBound(filter.to, 'to'));
  if (filter.cursor !== undefined) q = q.where('seq', '<', filter.cursor);
  const rows = await q.orderBy('seq', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      seq: Number(r.seq),
      at: r.at,
      actorType: r.actor_type,
      actorId: r.actor_id,
      action: r.action,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      subjectPseudonym: r.subject_pseudonym,
      purpose: r.purpose,
      outcome: r.outcome as AuditOutcome,
      requestId: r.request_id,
      ip: r.ip,
      details: parseDetails(r.details),
    })),
    nextCursor: rows.length > limit ? Number(page[page.length - 1]!.seq) : null,
  };
}
