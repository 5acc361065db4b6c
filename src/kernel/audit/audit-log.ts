import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { dialectOf, forUpdate } from '../../db/dialect.ts';
import { param, queryTemplate } from '../../db/query-template.ts';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../clock.ts';
import { chainHash, genesisHash, type ChainedFields } from './audit-hash.ts';

export type ActorType = 'user' | 'token' | 'system' | 'subject' | 'anonymous';
export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/** Who acted. `id` is a user id, token id, job name, or a subject pseudonym; never an email. */
export interface Actor {
  readonly type: ActorType;
  readonly id: string | null;
}

/** What to record. `details` must hold no personal data: counts, digests, codes, field names. */
export interface AuditEntryInput {
  readonly workspaceId: string;
  readonly actor: Actor;
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly resourceType?: string | null;
  readonly resourceId?: string | null;
  readonly subjectPseudonym?: string | null;
  readonly purpose?: string | null;
  readonly requestId?: string | null;
  readonly ip?: string | null;
  readonly details?: Record<string, unknown>;
}

export interface AuditDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
}

// The four statements of an append, compiled once per dialect (the hot path of every audited operation).
const selectHead = queryTemplate((db) =>
  forUpdate(
    (db as Kysely<Database>).selectFrom('audit_heads').select(['seq', 'hash']).where('workspace_id', '=', param('workspace_id')),
    dialectOf(db),
  ),
);
const auditColumns = [
  'workspace_id', 'seq', 'at', 'actor_type', 'actor_id', 'action', 'resource_type', 'resource_id', 'subject_pseudonym',
  'purpose', 'outcome', 'request_id', 'ip', 'details', 'prev_hash', 'hash',
] as const;
const insertEntry = queryTemplate((db) =>
  (db as Kysely<Database>).insertInto('audit_log').values(Object.fromEntries(auditColumns.map((c) => [c, param(c)])) as never),
);
const updateHead = queryTemplate((db) =>
  (db as Kysely<Database>)
    .updateTable('audit_heads')
    .set({ seq: param('seq'), hash: param('hash') })
    .where('workspace_id', '=', param('workspace_id')),
);
const insertHead = queryTemplate((db) =>
  (db as Kysely<Database>).insertInto('audit_heads').values({ workspace_id: param('workspace_id'), seq: param('seq'), hash: param('hash') }),
);

/**
 * Appends one entry to the workspace's hash chain inside the caller's transaction, so that the entry and the change
 * it records commit or fail together. The chain head row is locked for the rest of the transaction, which orders
 * concurrent appends.
 *
 * @example
 * await db.kysely.transaction().execute(async (trx) => {
 *   await trx.insertInto('users').values(user).execute();
 *   await appendAudit(trx, deps, { workspaceId, actor, action: 'user.create', outcome: 'allowed', resourceType: 'user', resourceId: user.id });
 * });
 */
export async function appendAudit(
  trx: Kysely<Database>,
  deps: AuditDeps,
  input: AuditEntryInput,
): Promise<{ seq: number; hash: string }> {
  const head = (
    await trx.executeQuery(selectHead<{ seq: number | string; hash: string }>(trx, { workspace_id: input.workspaceId }))
  ).rows[0];
  const prevSeq = head ? Number(head.seq) : 0;
  const prevHash = head?.hash ?? genesisHash;
  const fields: ChainedFields = {
    workspace_id: input.workspaceId,
    seq: prevSeq + 1,
    at: deps.clock.now().toISOString(),
    actor_type: input.actor.type,
    actor_id: input.actor.id,
    action: input.action,
    resource_type: input.resourceType ?? null,
    resource_id: input.resourceId ?? null,
    subject_pseudonym: input.subjectPseudonym ?? null,
    purpose: input.purpose ?? null,
    outcome: input.outcome,
    request_id: input.requestId ?? null,
    ip: input.ip ?? null,
    details: JSON.stringify(input.details ?? {}),
  };
  const hash = chainHash(prevHash, fields);
  await trx.executeQuery(insertEntry(trx, { ...fields, prev_hash: prevHash, hash }));
  const headValues = { workspace_id: input.workspaceId, seq: fields.seq, hash };
  await trx.executeQuery(head ? updateHead(trx, headValues) : insertHead(trx, headValues));
  return { seq: fields.seq, hash };
}
