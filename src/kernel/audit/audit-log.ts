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
  const [appended] = await appendWorkspaceEntries(trx, deps, input.workspaceId, [input]);
  return appended as { seq: number; hash: string };
}

/** Entries per multi-row insert of a batch (16 columns each: well under both databases' parameter limits). */
const batchInsertSize = 200;

function chainedFields(deps: AuditDeps, input: AuditEntryInput, seq: number, at: string): ChainedFields {
  return {
    workspace_id: input.workspaceId,
    seq,
    at,
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
}

/** Chains entries of one workspace after its head: one head select (locked), the inserts, one head write. */
async function appendWorkspaceEntries(
  trx: Kysely<Database>,
  deps: AuditDeps,
  workspaceId: string,
  inputs: readonly AuditEntryInput[],
): Promise<{ seq: number; hash: string }[]> {
  const head = (
    await trx.executeQuery(selectHead<{ seq: number | string; hash: string }>(trx, { workspace_id: workspaceId }))
  ).rows[0];
  let seq = head ? Number(head.seq) : 0;
  let prevHash = head?.hash ?? genesisHash;
  const at = deps.clock.now().toISOString();
  const rows: Record<string, unknown>[] = [];
  const out: { seq: number; hash: string }[] = [];
  for (const input of inputs) {
    seq += 1;
    const fields = chainedFields(deps, input, seq, at);
    const hash = chainHash(prevHash, fields);
    rows.push({ ...fields, prev_hash: prevHash, hash });
    out.push({ seq, hash });
    prevHash = hash;
  }
  if (rows.length === 1) await trx.executeQuery(insertEntry(trx, rows[0] as Record<string, unknown>));
  else for (let i = 0; i < rows.length; i += batchInsertSize) await trx.insertInto('audit_log').values(rows.slice(i, i + batchInsertSize) as never).execute();
  const headValues = { workspace_id: workspaceId, seq, hash: prevHash };
  await trx.executeQuery(head ? updateHead(trx, headValues) : insertHead(trx, headValues));
  return out;
}

/**
 * Appends several entries inside the caller's transaction, in the order given: per workspace, one head select, the
 * inserts (multi-row) and one head write, so that a batch costs about what one entry costs. The chain is the same
 * as with one `appendAudit` per entry (each entry hashes the one before it). Used by the audit group commit.
 *
 * @example
 * await db.kysely.transaction().execute((trx) => appendAuditBatch(trx, deps, [entryA, entryB]));
 */
export async function appendAuditBatch(
  trx: Kysely<Database>,
  deps: AuditDeps,
  inputs: readonly AuditEntryInput[],
): Promise<{ seq: number; hash: string }[]> {
  const byWorkspace = new Map<string, number[]>();
  inputs.forEach((input, i) => byWorkspace.set(input.workspaceId, [...(byWorkspace.get(input.workspaceId) ?? []), i]));
  const out: { seq: number; hash: string }[] = new Array(inputs.length);
  // Heads locked in one order (workspace id), so that two batches never wait on each other in a cycle.
  for (const [workspaceId, indexes] of [...byWorkspace].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const appended = await appendWorkspaceEntries(trx, deps, workspaceId, indexes.map((i) => inputs[i] as AuditEntryInput));
    indexes.forEach((i, k) => {
      out[i] = appended[k] as { seq: number; hash: string };
    });
  }
  return out;
}
