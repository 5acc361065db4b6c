import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { call, dealsSnapshot } from './deals-test-support.ts';

describe.each(testDialects)('organizations on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('creates an organization with a normalised domain and country, and reads it back with its ETag', async () => {
    const res = await call(ctx(), 'POST', '/api/v1/organizations', {
      name: 'Acme Robotics',
      domain: 'https://www.ACME-robotics.example/about',
      industry: 'Manufacturing',
      sizeBand: '51-200',
      address: { street: '1 Quay Road', city: 'Lyon', postalCode: '69002', country: 'fr' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const org = res.json();
    expect(org).toMatchObject({ name: 'Acme Robotics', domain: 'acme-robotics.example', sizeBand: '51-200', address: { country: 'FR', city: 'Lyon', region: null }, version: 1 });
    expect(res.headers.location).toBe(`/api/v1/organizations/${org.id}`);
    const read = await call(ctx(), 'GET', `/api/v1/organizations/${org.id}`);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toEqual(org);
  });

  it('refuses a bad domain, a bad country, an unknown owner and a duplicate domain, storing nothing', async () => {
    await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Taken', domain: 'taken.example' });
    const before = await dealsSnapshot(ctx());
    const cases: [Record<string, unknown>, number, string][] = [
      [{ name: 'Bad', domain: 'not a domain' }, 400, '/domain'],
      [{ name: 'Bad', domain: 'localhost' }, 400, '/domain'],
      [{ name: 'Bad', address: { country: 'XX' } }, 400, '/country'],
      [{ name: 'Bad', ownerUserId: '00000000-0000-4000-8000-000000000000' }, 400, '/ownerUserId'],
      [{ name: 'Dup', domain: 'WWW.Taken.example' }, 409, '/domain'],
      [{ name: ' ' }, 400, ''],
    ];
    for (const [body, status, path] of cases) {
      const res = await call(ctx(), 'POST', '/api/v1/organizations', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (path) expect(JSON.stringify(res.json().errors)).toContain(path);
    }
    expect(await dealsSnapshot(ctx())).toBe(before);
  });

  it('updates only with a current If-Match: 428 without, 412 when stale', async () => {
    const org = (await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Versioned' })).json();
    const url = `/api/v1/organizations/${org.id}`;
    expect((await call(ctx(), 'PATCH', url, { industry: 'Retail' })).statusCode).toBe(428);
    const ok = await call(ctx(), 'PATCH', url, { industry: 'Retail', address: { city: 'Porto' } }, { 'if-match': '"1"' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect(ok.json()).toMatchObject({ industry: 'Retail', address: { city: 'Porto' }, version: 2 });
    const stale = await call(ctx(), 'PATCH', url, { industry: 'Energy' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    expect((await call(ctx(), 'GET', url)).json().industry).toBe('Retail');
  });

  it('replays a create with the same Idempotency-Key and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'org-create-1' };
    const first = await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Once Ltd' }, headers);
    const again = await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Once Ltd' }, headers);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    const other = await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Twice Ltd' }, headers);
    expect(other.statusCode).toBe(422);
    const all = await ctx().t.db.kysely.selectFrom('organizations').select('name').where('name', 'in', ['Once Ltd', 'Twice Ltd']).execute();
    expect(all).toHaveLength(1);
  });

  it('lists with a name prefix, filters and sort, page by page with a cursor', async () => {
    for (const name of ['Zeta Prefixco', 'Alpha Prefixco', 'Mid Prefixco', 'prefixco lower']) {
      await call(ctx(), 'POST', '/api/v1/organizations', { name, address: { country: name === 'Mid Prefixco' ? 'DE' : 'FR' } });
    }
    const byPrefix = await call(ctx(), 'GET', '/api/v1/organizations?q=PREFIXCO');
    expect(byPrefix.json().items.map((o: { name: string }) => o.name)).toEqual(['prefixco lower']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { name: string }[]; nextCursor: string | null } = (
        await call(ctx(), 'GET', `/api/v1/organizations?sort=-name&limit=2&country=FR${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((o) => o.name));
      cursor = page.nextCursor;
    } while (cursor);
    const expected = [...seen].sort((a, b) => b.toLowerCase().localeCompare(a.toLowerCase()));
    expect(seen).toEqual(expected);
    expect(seen).not.toContain('Mid Prefixco');
    expect(seen).toEqual(expect.arrayContaining(['Zeta Prefixco', 'Alpha Prefixco']));
    expect((await call(ctx(), 'GET', '/api/v1/organizations?cursor=bm90LWEtY3Vyc29y')).statusCode).toBe(400);
  });

  it('refuses to delete an organization that has deals (409 with the count), deletes it once they are gone', async () => {
    const org = (await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Busy Inc' })).json();
    const deal = (await call(ctx(), 'POST', '/api/v1/deals', { title: 'Busy deal', organizationId: org.id })).json();
    const refused = await call(ctx(), 'DELETE', `/api/v1/organizations/${org.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'CONFLICT', deals: 1, people: 0 });
    expect((await call(ctx(), 'DELETE', `/api/v1/deals/${deal.id}`)).statusCode).toBe(204);
    expect((await call(ctx(), 'DELETE', `/api/v1/organizations/${org.id}`)).statusCode).toBe(204);
    expect((await call(ctx(), 'GET', `/api/v1/organizations/${org.id}`)).statusCode).toBe(404);
  });

  it('lets a read-only role list but not create', async () => {
    const auditor = ctx().as.auditor;
    expect((await call(ctx(), 'GET', '/api/v1/organizations', undefined, auditor)).statusCode).toBe(200);
    expect((await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Nope' }, auditor)).statusCode).toBe(403);
  });

  it('refuses to delete an organization that people work for, naming the count', async () => {
    const org = (await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Staffed Inc' })).json();
    const person = await call(ctx(), 'POST', '/api/v1/people', { firstName: 'Stella', lastName: 'Staff', organizationId: org.id });
    expect(person.statusCode, person.body).toBe(201);
    const refused = await call(ctx(), 'DELETE', `/api/v1/organizations/${org.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'CONFLICT', deals: 0, people: 1 });
    expect((await call(ctx(), 'GET', `/api/v1/organizations/${org.id}`)).statusCode).toBe(200);
  });
});
