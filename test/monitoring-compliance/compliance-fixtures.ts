import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';

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
