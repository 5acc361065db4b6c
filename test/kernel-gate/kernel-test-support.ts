import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import type { App } from '../../src/http/app.ts';
import { insertTokenForRole } from '../support/owner-token.ts';

/**
 * Inserts a user of `roleKey` with an API token (optionally with a default purpose) and returns the bearer header.
 */
export async function bearerFor(
  db: Kysely<Database>,
  workspaceId: string,
  roleKey: string,
  options: { defaultPurpose?: string } = {},
): Promise<{ authorization: string; userId: string; tokenId: string }> {
  const { token, userId, tokenId } = await insertTokenForRole(db, workspaceId, roleKey, options);
  return { authorization: `Bearer ${token}`, userId, tokenId };
}

/** Rows of the kernel tables of a workspace, to assert that a refused request changed nothing. */
export async function kernelSnapshot(db: Kysely<Database>, workspaceId: string): Promise<string> {
  const tables = [
    'catalogue_categories',
    'catalogue_attributes',
    'purposes',
    'purpose_versions',
    'consent_events',
    'objections',
    'restrictions',
  ] as const;
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const rows = await db.selectFrom(t).selectAll().where('workspace_id', '=', workspaceId).execute();
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return JSON.stringify(out);
}

/** `app.inject` with JSON and a bearer token. */
export async function call(
  app: App,
  authorization: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url,
    headers: {
      authorization,
      ...headers,
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(payload !== undefined
      ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
      : {}),
  });
}

/**
 * Sends a request that must be refused and checks the refusal changed nothing: status, problem document, code, and an
 * identical snapshot of the kernel's tables before and after. The request is passed as a function so that the
 * "before" snapshot is taken before it starts.
 */
export async function expectRefusedUnchanged(
  ctx: { app: App; db: Kysely<Database>; workspaceId: string },
  send: () => Promise<{ statusCode: number; headers: Record<string, unknown>; json(): any }>,
  status: number,
  code: string,
): Promise<any> {
  const before = await kernelSnapshot(ctx.db, ctx.workspaceId);
  const r = await send();
  expect(r.statusCode).toBe(status);
  expect(String(r.headers['content-type'])).toContain('application/problem+json');
  expect(r.json().code).toBe(code);
  expect(await kernelSnapshot(ctx.db, ctx.workspaceId)).toBe(before);
  return r.json();
}
