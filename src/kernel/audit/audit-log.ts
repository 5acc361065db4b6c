import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
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
  const head = await forUpdate(
    trx.selectFrom('audit_heads').select(['seq', 'hash']).where('workspace_id', '=', input.workspaceId),
    deps.dialect,
  ).executeTakeFirst();
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
  await trx.insertInto('audit_log').values({ ...fields, prev_hash: prevHash, hash }).execute();
  if (head) {
    await trx
      .updateTable('audit_heads')
      .set({ seq: fields.seq, hash })
      .where('workspace_id', '=', input.workspaceId)
      .execute();
  } else {
    await trx.insertInto('audit_heads').values({ workspace_id: input.workspaceId, seq: fields.seq, hash }).execute();
  }
  return { seq: fields.seq, hash };
}
