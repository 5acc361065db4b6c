import { describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { testDialects } from '../support/test-database.ts';
import { tokenForRole, usePeopleTestApp } from './people-test-app.ts';

type Case = { name: string; method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: unknown; headers?: Record<string, string>; status: number };

describe.each(testDialects)('people endpoints refuse bad input on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('answers every bad request with a problem document, without echoing values, and changes nothing', async () => {
    const owner = ctx().as.owner;
    const created = await ctx().app.inject({ method: 'POST', url: '/api/v1/people', headers: owner, payload: { lastName: 'Existing', email: 'existing@input.example' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const unknown = crypto.randomUUID();
    const long = 'x'.repeat(201);
    const cases: Case[] = [
      { name: 'create: empty body', method: 'POST', url: '/api/v1/people', payload: {}, status: 400 },
      { name: 'create: wrong type', method: 'POST', url: '/api/v1/people', payload: { lastName: { first: 'A' } }, status: 400 },
      { name: 'create: extra field', method: 'POST', url: '/api/v1/people', payload: { lastName: 'A', shoeSize: 'probe-secret-value' }, status: 400 },
      { name: 'create: too long', method: 'POST', url: '/api/v1/people', payload: { lastName: long }, status: 400 },
      { name: 'create: not an email', method: 'POST', url: '/api/v1/people', payload: { email: 'probe-secret-value' }, status: 400 },
      { name: 'create: not a phone', method: 'POST', url: '/api/v1/people', payload: { phone: 'call me maybe' }, status: 400 },
      { name: 'create: blank name', method: 'POST', url: '/api/v1/people', payload: { lastName: '   ' }, status: 400 },
      { name: 'create: null value', method: 'POST', url: '/api/v1/people', payload: { lastName: null }, status: 400 },
      { name: 'create: bad override', method: 'POST', url: '/api/v1/people', payload: { lastName: 'A', suppressionOverride: { reason: 'because' } }, status: 400 },
      { name: 'create: not JSON', method: 'POST', url: '/api/v1/people', payload: '{"lastName":', headers: { ...owner, 'content-type': 'application/json' }, status: 400 },
      { name: 'create: oversized', method: 'POST', url: '/api/v1/people', payload: { lastName: 'y'.repeat(2_000_000) }, status: 413 },
      { name: 'create: no token', method: 'POST', url: '/api/v1/people', payload: { lastName: 'A' }, headers: {}, status: 401 },
      { name: 'create: no permission', method: 'POST', url: '/api/v1/people', payload: { lastName: 'A' }, headers: ctx().as.marketing, status: 403 },
      { name: 'create: category outside the role', method: 'POST', url: '/api/v1/people', payload: { lastName: 'A' }, headers: { ...owner, 'custodian-purpose': 'email_marketing' }, status: 403 },
      { name: 'read: not a uuid', method: 'GET', url: '/api/v1/people/123', status: 400 },
      { name: 'read: unknown', method: 'GET', url: `/api/v1/people/${unknown}`, status: 404 },
      { name: 'read: no permission', method: 'GET', url: `/api/v1/people/${id}`, headers: ctx().as.auditor, status: 403 },
      { name: 'list: limit too big', method: 'GET', url: '/api/v1/people?limit=1000', status: 400 },
      { name: 'list: limit not a number', method: 'GET', url: '/api/v1/people?limit=many', status: 400 },
      { name: 'list: bad cursor', method: 'GET', url: '/api/v1/people?cursor=bm90LWpzb24', status: 400 },
      { name: 'list: personal data in the URL', method: 'GET', url: '/api/v1/people?phone=%2B4420', status: 400 },
      { name: 'lookup: both fields', method: 'POST', url: '/api/v1/people/lookup', payload: { email: 'a@b.example', phone: '+1 555' }, status: 400 },
      { name: 'lookup: neither', method: 'POST', url: '/api/v1/people/lookup', payload: {}, status: 400 },
      { name: 'lookup: not searchable', method: 'POST', url: '/api/v1/people/lookup', payload: { lastName: 'Existing' }, status: 400 },
      { name: 'lookup: wrong type', method: 'POST', url: '/api/v1/people/lookup', payload: { email: ['a@b.example', 'c@d.example'] }, status: 400 },
      { name: 'patch: no If-Match', method: 'PATCH', url: `/api/v1/people/${id}`, payload: { lastName: 'B' }, status: 428 },
      { name: 'patch: garbage If-Match', method: 'PATCH', url: `/api/v1/people/${id}`, payload: { lastName: 'B' }, headers: { ...owner, 'if-match': 'yes' }, status: 412 },
      { name: 'patch: stale If-Match', method: 'PATCH', url: `/api/v1/people/${id}`, payload: { lastName: 'B' }, headers: { ...owner, 'if-match': '"7"' }, status: 412 },
      { name: 'patch: empty body', method: 'PATCH', url: `/api/v1/people/${id}`, payload: {}, headers: { ...owner, 'if-match': '"1"' }, status: 400 },
      { name: 'patch: extra field', method: 'PATCH', url: `/api/v1/people/${id}`, payload: { shoeSize: 'x' }, headers: { ...owner, 'if-match': '"1"' }, status: 400 },
      { name: 'patch: bad email', method: 'PATCH', url: `/api/v1/people/${id}`, payload: { email: 'nope' }, headers: { ...owner, 'if-match': '"1"' }, status: 400 },
      { name: 'patch: unknown', method: 'PATCH', url: `/api/v1/people/${unknown}`, payload: { lastName: 'B' }, headers: { ...owner, 'if-match': '"1"' }, status: 404 },
      { name: 'patch: not a uuid', method: 'PATCH', url: '/api/v1/people/abc', payload: { lastName: 'B' }, headers: { ...owner, 'if-match': '"1"' }, status: 400 },
      { name: 'delete: not a uuid', method: 'DELETE', url: '/api/v1/people/abc', status: 400 },
      { name: 'delete: unknown', method: 'DELETE', url: `/api/v1/people/${unknown}`, status: 404 },
      { name: 'delete: no permission', method: 'DELETE', url: `/api/v1/people/${id}`, headers: ctx().as.admin, status: 403 },
    ];
    const count = async () => (await ctx().t.db.kysely.selectFrom('persons').select('id').execute()).length;
    const before = await count();
    for (const c of cases) {
      const res = await ctx().app.inject({
        method: c.method,
        url: c.url,
        headers: c.headers ?? owner,
        ...(c.payload !== undefined ? { payload: c.payload as string } : {}),
      });
      expect({ name: c.name, status: res.statusCode }).toEqual({ name: c.name, status: c.status });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).not.toContain('probe-secret-value');
    }
    expect(await count()).toBe(before);
    const still = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${id}`, headers: owner });
    expect(still.json()).toMatchObject({ lastName: 'Existing', version: 1 });
  });

  it("treats another workspace's people and certificates as unknown", async () => {
    const db = ctx().t.db.kysely;
    const otherWorkspace = await createWorkspace({ db, clock: ctx().clock, seeders: workspaceSeeders }, { name: 'Other' });
    const otherOwner = { authorization: `Bearer ${await tokenForRole(db, otherWorkspace, 'owner')}` };
    const theirs = await ctx().app.inject({ method: 'POST', url: '/api/v1/people', headers: otherOwner, payload: { lastName: 'Theirs', email: 'theirs@other.example' } });
    expect(theirs.statusCode).toBe(201);
    const id = theirs.json().id as string;
    const owner = ctx().as.owner;
    expect((await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${id}`, headers: owner })).statusCode).toBe(404);
    expect((await ctx().app.inject({ method: 'PATCH', url: `/api/v1/people/${id}`, headers: { ...owner, 'if-match': '"1"' }, payload: { lastName: 'Mine' } })).statusCode).toBe(404);
    expect((await ctx().app.inject({ method: 'DELETE', url: `/api/v1/people/${id}`, headers: owner })).statusCode).toBe(404);
    expect((await ctx().app.inject({ method: 'POST', url: '/api/v1/legal-holds', headers: ctx().as.privacy_officer, payload: { personId: id, reason: 'litigation' } })).statusCode).toBe(404);
    const lookup = await ctx().app.inject({ method: 'POST', url: '/api/v1/people/lookup', headers: owner, payload: { email: 'theirs@other.example' } });
    expect(lookup.json().items).toEqual([]);
    const list = await ctx().app.inject({ method: 'GET', url: '/api/v1/people?limit=200', headers: owner });
    expect(list.json().items.map((p: { id: string }) => p.id)).not.toContain(id);

    const erased = await ctx().app.inject({ method: 'DELETE', url: `/api/v1/people/${id}`, headers: otherOwner });
    expect(erased.statusCode).toBe(200);
    const cert = erased.json().id as string;
    expect((await ctx().app.inject({ method: 'GET', url: `/api/v1/erasure-certificates/${cert}`, headers: ctx().as.privacy_officer })).statusCode).toBe(404);
    // Suppression is per workspace: the same email is not suppressed here.
    const mine = await ctx().app.inject({ method: 'POST', url: '/api/v1/people', headers: owner, payload: { lastName: 'Mine', email: 'theirs@other.example' } });
    expect(mine.statusCode).toBe(201);
  });
});
