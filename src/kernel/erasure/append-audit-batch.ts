import type { Kysely } from 'kysely';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import type { AuditDeps, AuditEntryInput } from '../audit/audit-log.ts';
import { chainHash, genesisHash, type ChainedFields } from '../audit/audit-hash.ts';
import { insertRows } from './insert-rows.ts';

type AuditRow = ChainedFields & { prev_hash: string; hash: string };

const auditColumns: readonly (keyof AuditRow)[] = [
  'workspace_id',
  'seq',
  'at',
  'actor_type',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'subject_pseudonym',
  'purpose',
  'outcome',
  'request_id',
  'ip',
  'details',
  'prev_hash',
  'hash',
];

/**
 * Appends several entries of ONE workspace to its hash chain inside the caller's transaction: the head is read and
 * locked once, the entries are chained in memory in the given order and inserted in multi-row statements, and the
 * head moves once. The chain is the same as `appendAudit` called once per entry (the verifier cannot tell them
 * apart); it exists for the batched erasure, which records one entry per person.
 *
 * @example
 * await appendAuditBatch(trx, { dialect, clock }, people.map((p) => ({ workspaceId, actor, action: 'person.erase', outcome: 'allowed', subjectPseudonym: p.pseudonym })));
 */
export async function appendAuditBatch(
  trx: Kysely<Database>,
  deps: AuditDeps,
  inputs: readonly AuditEntryInput[],
): Promise<void> {
  const first = inputs[0];
  if (!first) return;
  const workspaceId = first.workspaceId;
  if (inputs.some((i) => i.workspaceId !== workspaceId))
    throw new Error('appendAuditBatch takes entries of one workspace');
  const head = await forUpdate(
    trx.selectFrom('audit_heads').select(['seq', 'hash']).where('workspace_id', '=', workspaceId),
    deps.dialect,
  ).executeTakeFirst();
  let seq = head ? Number(head.seq) : 0;
  let prevHash = head?.hash ?? genesisHash;
  const at = deps.clock.now().toISOString();
  const rows: AuditRow[] = [];
  for (const input of inputs) {
    seq += 1;
    const fields: ChainedFields = {
      workspace_id: workspaceId,
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
    const hash = chainHash(prevHash, fields);
    rows.push({ ...fields, prev_hash: prevHash, hash });
    prevHash = hash;
  }
  await insertRows(
    trx,
    deps.dialect,
    'audit_log',
    auditColumns,
    rows.map((r) => auditColumns.map((c) => r[c])),
  );
  if (head)
    await trx
      .updateTable('audit_heads')
      .set({ seq, hash: prevHash })
      .where('workspace_id', '=', workspaceId)
      .execute();
  else
    await trx.insertInto('audit_heads').values({ workspace_id: workspaceId, seq, hash: prevHash }).execute();
}
