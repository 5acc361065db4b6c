import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { describeKeyStatus } from '../../src/kernel/crypto/key-status.ts';
import type { ComplianceTestEnv } from './compliance-test-app.ts';

/** Test time: the people test app's fixed clock. */
export const now = '2026-03-02T10:00:00.000Z';
export const longAgo = '2025-01-01T00:00:00.000Z';

/** The raw database seen without the compile-time schema (other areas' tables, crafted bad rows). */
export const raw = (db: Kysely<Database>) => db as unknown as Kysely<any>;

export async function insertJobRun(
  db: Kysely<Database>,
  name: string,
  outcome: 'succeeded' | 'failed',
  at: string,
): Promise<void> {
  await db
    .insertInto('job_runs')
    .values({ name, holder: 'test', started_at: at, finished_at: at, outcome, details: '{}' })
    .execute();
}

export async function insertPersonKey(
  db: Kysely<Database>,
  workspaceId: string,
  options: { kekVersion: number; createdAt: string; personId?: string },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('person_keys')
    .values({
      id,
      workspace_id: workspaceId,
      person_id: options.personId ?? randomUUID(),
      kek_version: options.kekVersion,
      wrapped_key: Buffer.alloc(60),
      created_at: options.createdAt,
      destroyed_at: null,
    })
    .execute();
  return id;
}

export async function insertRequest(
  db: Kysely<Database>,
  workspaceId: string,
  fields: { status: string; receivedAt: string; dueAt: string },
): Promise<string> {
  const id = randomUUID();
  await raw(db)
    .insertInto('requests')
    .values({
      id,
      workspace_id: workspaceId,
      reference: `R-${id.slice(0, 4)}-${id.slice(4, 8)}`.toUpperCase(),
      type: 'access',
      status: fields.status,
      channel: 'email',
      language: 'en',
      received_at: fields.receivedAt,
      original_due_at: fields.dueAt,
      due_at: fields.dueAt,
      created_by_type: 'user',
      created_by_id: null,
      created_at: fields.receivedAt,
      updated_at: fields.receivedAt,
      version: 1,
    })
    .execute();
  return id;
}

export async function insertIncident(
  db: Kysely<Database>,
  workspaceId: string,
  fields: { awareAt: string; createdAt: string; record?: object },
): Promise<string> {
  const id = randomUUID();
  await raw(db)
    .insertInto('incidents')
    .values({
      id,
      workspace_id: workspaceId,
      reference: `INC-2026-${id.slice(0, 4)}`,
      version: 1,
      title: 'Unusual export',
      status: 'open',
      occurred_from: fields.awareAt,
      occurred_to: null,
      aware_at: fields.awareAt,
      alert_id: null,
      record: JSON.stringify(fields.record ?? { authorityNotifiedAt: null, noNotificationReason: '' }),
      created_at: fields.createdAt,
      updated_at: fields.createdAt,
      closed_at: null,
    })
    .execute();
  return id;
}

export async function insertAlert(
  db: Kysely<Database>,
  workspaceId: string,
  fields: { severity: string; raisedAt: string; status?: string },
): Promise<string> {
  const id = randomUUID();
  await raw(db)
    .insertInto('alerts')
    .values({
      id,
      workspace_id: workspaceId,
      rule: 'bulk_export',
      severity: fields.severity,
      status: fields.status ?? 'open',
      group_key: `bulk_export|${id}`,
      subject_type: 'user',
      subject_id: randomUUID(),
      summary: 'Exports above baseline',
      figures: '{}',
      evidence: '[]',
      evidence_count: 0,
      hits: 1,
      window_start: fields.raisedAt,
      window_end: fields.raisedAt,
      first_seen_at: fields.raisedAt,
      last_seen_at: fields.raisedAt,
      raised_at: fields.raisedAt,
      version: 1,
      updated_at: fields.raisedAt,
    })
    .execute();
  return id;
}

/** Puts the workspace in a state where every check is quiet (MFA enrolled, expiring tokens, registers complete…). */
export async function makeGood(env: ComplianceTestEnv): Promise<Record<string, string>> {
  const db = env.t.db.kysely;
  const ws = env.workspaceId;
  await db.updateTable('users').set({ mfa_enabled: 1 }).where('workspace_id', '=', ws).execute();
  await db
    .updateTable('api_tokens')
    .set({ expires_at: '2026-12-31T00:00:00.000Z' })
    .where('workspace_id', '=', ws)
    .execute();
  await db
    .insertInto('governance_organisation_versions')
    .values({
      workspace_id: ws,
      version: 1000,
      data: JSON.stringify({
        controller: {
          name: 'Example Ltd',
          address: '1 Main Street, Dublin',
          email: 'privacy@company.test',
          phone: '',
        },
        representative: null,
        dpo: { name: 'Data Protection Office', email: 'dpo@company.test', phone: '' },
      }),
      changed_at: now,
      actor_type: 'system',
      actor_id: null,
    })
    .execute();
  await insertJobRun(db, 'consent.expiry', 'succeeded', now);
  await insertJobRun(db, 'audit.checkpoint', 'succeeded', now);
  const processor = randomUUID();
  await db
    .insertInto('governance_processors')
    .values({
      id: processor,
      workspace_id: ws,
      version: 1,
      name: 'Mailer Inc',
      role: 'processor',
      parent_id: null,
      complete: 1,
      review_on: '2026-09-01',
      agreement_expires_on: '2027-01-14',
      record: '{"countries":["US","IE"],"agreement":{"signedOn":"2026-01-15"}}',
      created_at: now,
      updated_at: now,
    })
    .execute();
  const transfer = randomUUID();
  await db
    .insertInto('governance_transfers')
    .values({
      id: transfer,
      workspace_id: ws,
      version: 1,
      processor_id: processor,
      country: 'US',
      tool: 'scc',
      expires_on: null,
      record: '{"sccModule":"module_2","tiaReference":"TIA-2026-01"}',
      created_at: now,
      updated_at: now,
    })
    .execute();
  // DPIAs made through the register (a real record), then one marked signed directly.
  const dpiaCtx = { workspaceId: ws, actor: { type: 'system' as const, id: 'test' } };
  const signedDpia = (
    await env.services.governance.dpias.create(db, dpiaCtx, {
      title: 'Lead scoring',
      context: { purposeKeys: ['crm'] },
    })
  ).id;
  const draftDpia = (
    await env.services.governance.dpias.create(db, dpiaCtx, {
      title: 'Support chat',
      context: { purposeKeys: ['support'] },
    })
  ).id;
  await db
    .updateTable('governance_dpias')
    .set({ status: 'signed', review_on: '2027-01-01', signed_at: now, signed_purpose_versions: '{"crm":1}' })
    .where('id', '=', signedDpia)
    .execute();
  const moduleId = randomUUID();
  await db
    .insertInto('training_modules')
    .values({
      id: moduleId,
      workspace_id: ws,
      starter_key: null,
      title: 'GDPR basics',
      content: '# Basics',
      quiz: '[]',
      pass_mark: 80,
      version: 1,
      refresher_interval: null,
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const salesRole = await db
    .selectFrom('roles')
    .select('id')
    .where('workspace_id', '=', ws)
    .where('key', '=', 'sales')
    .executeTakeFirstOrThrow();
  const rule = randomUUID();
  await db
    .insertInto('training_rules')
    .values({
      id: rule,
      workspace_id: ws,
      module_id: moduleId,
      role_id: salesRole.id,
      due_days: 30,
      created_at: now,
    })
    .execute();
  const sales = await db
    .selectFrom('users')
    .select('id')
    .where('workspace_id', '=', ws)
    .where('role_id', '=', salesRole.id)
    .executeTakeFirstOrThrow();
  const salesToken = await db
    .selectFrom('api_tokens')
    .select('id')
    .where('user_id', '=', sales.id)
    .executeTakeFirstOrThrow();
  const ownerUser = await db
    .selectFrom('users')
    .select('id')
    .where('workspace_id', '=', ws)
    .where('email', '=', 'owner@example.test')
    .executeTakeFirstOrThrow();
  const policy = randomUUID();
  await raw(db)
    .insertInto('retention_policies')
    .values({
      id: policy,
      workspace_id: ws,
      name: 'Everything',
      category: null,
      purpose_key: null,
      period: 'P3Y',
      start_event: 'last_activity',
      action: 'erase',
      active: 1,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const sweep = randomUUID();
  await raw(db)
    .insertInto('retention_sweeps')
    .values({
      id: sweep,
      workspace_id: ws,
      trigger: 'schedule',
      dry_run: 0,
      status: 'completed',
      started_at: now,
      finished_at: now,
      due: 3,
      erased: 3,
      anonymised: 0,
      blocked: 0,
      kept: 0,
      failed: 0,
      per_policy: '{}',
      error_code: null,
      actor_type: 'system',
      actor_id: null,
    })
    .execute();
  const kek = await describeKeyStatus({ db: env.t.db, keyFiles: env.services.keyFiles });
  return {
    policy,
    sweep,
    processor,
    transfer,
    signedDpia,
    draftDpia,
    module: moduleId,
    rule,
    salesUser: sales.id,
    salesToken: salesToken.id,
    ownerUser: ownerUser.id,
    kekVersion: String(kek.currentKekVersion),
  };
}
