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
    headers: {
      ...auth,
      ...headers,
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
}

/** Every incident row and timeline line of a workspace, to prove a refused request changed nothing. */
export async function incidentRows(db: Kysely<Database>, workspaceId: string): Promise<string> {
  const incidents = await db
    .selectFrom('incidents')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
  const timeline = await db
    .selectFrom('incident_timeline')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
  return JSON.stringify({ incidents, timeline });
}

/** Sends a request that must be refused with `status` and `code` as problem+json, and checks nothing changed. */
export async function expectRefused(
  db: Kysely<Database>,
  workspaceId: string,
  request: () => Promise<{
    statusCode: number;
    headers: Record<string, unknown>;
    body: string;
    json: () => Record<string, unknown>;
  }>,
  status: number,
  code?: string,
): Promise<{ code: string; missing?: string[]; errors?: { path: string }[] } & Record<string, unknown>> {
  const before = await incidentRows(db, workspaceId);
  const res = await request();
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  if (code) expect(res.json().code).toBe(code);
  expect(await incidentRows(db, workspaceId)).toBe(before);
  return res.json() as never;
}
