import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import type { App } from '../../src/http/app.ts';

/** `app.inject` with a bearer header, JSON body and extra headers. */
export async function send(
  app: App,
  auth: { authorization: string },
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url,
    headers: { ...auth, ...headers, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
}

const governanceTables = [
  'governance_organisation_versions',
  'governance_processors',
  'governance_transfers',
  'governance_ropa_snapshots',
  'governance_dpias',
] as const;

/** Every governance row of a workspace, to prove a refused request changed nothing. */
export async function governanceRows(db: Kysely<Database>, workspaceId: string): Promise<string> {
  const out: Record<string, string[]> = {};
  for (const t of governanceTables) {
    const rows = await db.selectFrom(t).selectAll().where('workspace_id', '=', workspaceId).execute();
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return JSON.stringify(out);
}

/**
 * Sends a request that must be refused with `status` (and `code`, when given) as problem+json, and checks that no
 * governance row changed.
 */
export async function expectRefused(
  db: Kysely<Database>,
  workspaceId: string,
  request: () => Promise<{ statusCode: number; headers: Record<string, unknown>; json: () => { code: string; errors?: { path: string }[]; missing?: string[] } }>,
  status: number,
  code?: string,
) {
  const before = await governanceRows(db, workspaceId);
  const res = await request();
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  if (code) expect(res.json().code).toBe(code);
  expect(await governanceRows(db, workspaceId)).toBe(before);
  return res.json();
}

/** A complete processor record in the United States (flows under `crm`). */
export const completeUsProcessor = {
  name: 'Mailer Inc',
  role: 'processor',
  services: 'Transactional email delivery',
  dataCategories: ['user.contact.email', 'user.name'],
  purposes: ['crm'],
  countries: ['US', 'IE'],
  agreement: {
    signedOn: '2026-01-15',
    expiresOn: '2027-01-14',
    documentReference: 'DMS-2026-0042',
    terms: ['instructions', 'confidentiality', 'security', 'sub_processors', 'data_subject_rights', 'assistance', 'deletion_or_return', 'audits'],
  },
  certifications: ['ISO/IEC 27001'],
  reviewOn: '2026-09-01',
};
