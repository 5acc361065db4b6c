import { expect } from 'vitest';
import type { ChannelsTestApp } from '../consent-channels/channels-test-app.ts';

export type Json = Record<string, any>;

/** Creates a person as the owner (purpose crm) and returns its id. */
export async function createPerson(c: ChannelsTestApp, payload: Json): Promise<string> {
  const res = await c.app.inject({ method: 'POST', url: '/api/v1/people', headers: c.as.owner, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** Logs a request received by email with identity checked (staff know the contact), matched to the person by email. */
export async function verifiedRequest(
  c: ChannelsTestApp,
  type: string,
  email: string,
  details?: Json,
): Promise<Json> {
  const res = await c.app.inject({
    method: 'POST',
    url: '/api/v1/requests',
    headers: c.as.privacy_officer,
    payload: {
      type,
      channel: 'email',
      email,
      identityMethod: 'staff_known_contact',
      language: 'en',
      ...(details ? { details } : {}),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const r = res.json();
  expect(r.status).toBe('verified');
  return r;
}

/** The request as the inbox shows it now. */
export async function currentRequest(c: ChannelsTestApp, id: string): Promise<Json> {
  const res = await c.app.inject({
    method: 'GET',
    url: `/api/v1/requests/${id}`,
    headers: c.as.privacy_officer,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** A fulfilment call on the request with its current version as `If-Match`. */
export async function fulfil(
  c: ChannelsTestApp,
  id: string,
  path: string,
  payload: Json = {},
  headers: Json = {},
) {
  const version = (await currentRequest(c, id)).version as number;
  return c.app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/fulfilment/${path}`,
    headers: { ...c.as.privacy_officer, 'if-match': `"${version}"`, ...headers },
    payload,
  });
}

export async function getJson(c: ChannelsTestApp, url: string, headers: Json = c.as.privacy_officer) {
  return c.app.inject({ method: 'GET', url, headers });
}

/** What the person sees on the portal (outcome sentences, whether a result is stored). */
export async function portalView(c: ChannelsTestApp, id: string) {
  return c.services.requests.portalView(c.t.db.kysely, c.workspaceId, id);
}

export async function timelineKinds(c: ChannelsTestApp, id: string): Promise<string[]> {
  const res = await getJson(c, `/api/v1/requests/${id}/timeline`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as Json[]).map((s) => s.kind as string);
}
