import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp, type PeopleTestApp } from './people-test-app.ts';
import { foundInStorage } from './raw-storage.ts';

async function create(ctx: PeopleTestApp, body: Record<string, unknown>, headers: Record<string, string> = ctx.as.owner) {
  return ctx.app.inject({ method: 'POST', url: '/api/v1/people', headers, payload: body });
}

describe.each(testDialects)('people on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('creates a person and reads it back under the purpose applied, which the response echoes', async () => {
    const res = await create(ctx(), { firstName: 'Grace', lastName: 'Hopper', email: 'Grace.Hopper@Example.org', phone: '+1 202 555 0143' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['custodian-purpose']).toBe('crm');
    const person = res.json();
    expect(person).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', email: 'Grace.Hopper@example.org', phone: '+12025550143', version: 1 });
    expect(person.pseudonym).toMatch(/^psn_[A-Za-z0-9_-]{22}$/);
    const read = await ctx().app.inject({
      method: 'GET',
      url: `/api/v1/people/${person.id}`,
      headers: { ...ctx().as.owner, 'custodian-purpose': 'sales' },
    });
    expect(read.statusCode).toBe(200);
    expect(read.headers['custodian-purpose']).toBe('sales');
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toEqual(person);
  });

  it('audits with the pseudonym and never the values', async () => {
    const res = await create(ctx(), { firstName: 'Audrey', lastName: 'Tang', email: 'audrey.tang@example.net' });
    const person = res.json();
    await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: ctx().as.owner });
    const entries = await ctx().t.db.kysely.selectFrom('audit_log').selectAll().where('subject_pseudonym', '=', person.pseudonym).execute();
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['person.create', 'processing.read']));
    const all = JSON.stringify(await ctx().t.db.kysely.selectFrom('audit_log').selectAll().execute());
    for (const value of ['Audrey', 'Tang', 'audrey.tang@example.net']) expect(all).not.toContain(value);
  });

  it('stores no name, email, phone or other contact value in plaintext anywhere in the database', async () => {
    const values = {
      firstName: 'Zebulonia',
      lastName: 'Quargleworth',
      email: 'zebulonia.quargleworth@plaintext-probe.example',
      phone: '+44 7700 900481',
    };
    expect((await create(ctx(), values)).statusCode).toBe(201);
    expect((await create(ctx(), { lastName: 'Xylophonique', email: 'xylo@plaintext-probe.example' })).statusCode).toBe(201);
    // The contact values: secondary emails and phones, job title, address, notes, provenance text, a rectification's
    // old value and reason.
    const contact = {
      lastName: 'Quintessentia',
      emails: [{ value: 'quint.main@plaintext-probe.example' }, { value: 'quint.second@plaintext-probe.example', label: 'home' }],
      phones: [{ value: '+44 7700 900482' }, { value: '+33 6 98 76 54 32' }],
      jobTitle: 'Chiefprobeofficer',
      address: { street: 'Probestreetstrasse 9', city: 'Probecityville', postalCode: 'PX9 9ZZ', region: 'Proberegionshire', country: 'GB' },
      notes: 'Probenotestext about the person',
      provenance: { source: 'referral', sourceDetail: 'Probesourcedetail from a friend' },
      fieldProvenance: { jobTitle: { source: 'enrichment', sourceDetail: 'Probefieldprovenance page' } },
    };
    const made = await create(ctx(), contact);
    expect(made.statusCode).toBe(201);
    const rectified = await ctx().app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${made.json().id}`,
      headers: { ...ctx().as.owner, 'if-match': '"1"' },
      payload: { jobTitle: 'Newprobetitle', reason: 'Probereasontext given' },
    });
    expect(rectified.statusCode).toBe(200);
    const contactProbes = [
      'quint.main@plaintext-probe.example', 'quint.second@plaintext-probe.example', '447700900482', '33698765432', 'Chiefprobeofficer',
      'Probestreetstrasse', 'Probecityville', 'PX9 9ZZ', 'Proberegionshire', 'Probenotestext', 'Probesourcedetail', 'Probefieldprovenance',
      'Newprobetitle', 'Probereasontext', 'Quintessentia',
    ];
    const probes = [...Object.values(values), 'Xylophonique', 'xylo@plaintext-probe.example', '447700900481', ...contactProbes];
    // The probe can fail: a value the test wrote itself in plaintext is found.
    await ctx().t.db.kysely.insertInto('settings').values({ workspace_id: ctx().workspaceId, key: 'probe.control', value: '"Controlvalueplain"', updated_at: 'x' }).execute();
    expect(await foundInStorage(ctx(), ['Controlvalueplain'])).toEqual(['Controlvalueplain']);
    expect(await foundInStorage(ctx(), probes)).toEqual([]);
  });

  it('finds a person by exact email or phone in the body, whatever the case or formatting', async () => {
    const person = (await create(ctx(), { lastName: 'Lovelace', email: 'ada@analytical.example', phone: '+44 20 7946 0958' })).json();
    const byEmail = await ctx().app.inject({ method: 'POST', url: '/api/v1/people/lookup', headers: ctx().as.owner, payload: { email: '  ADA@Analytical.example ' } });
    expect(byEmail.statusCode).toBe(200);
    expect(byEmail.json().items.map((p: { id: string }) => p.id)).toEqual([person.id]);
    const byPhone = await ctx().app.inject({ method: 'POST', url: '/api/v1/people/lookup', headers: ctx().as.owner, payload: { phone: '0044 20 7946-0958' } });
    expect(byPhone.json().items.map((p: { id: string }) => p.id)).toEqual([person.id]);
    const none = await ctx().app.inject({ method: 'POST', url: '/api/v1/people/lookup', headers: ctx().as.owner, payload: { email: 'nobody@analytical.example' } });
    expect(none.json().items).toEqual([]);
  });

  it('refuses personal data in the URL: no ?email= on the list', async () => {
    const res = await ctx().app.inject({ method: 'GET', url: '/api/v1/people?email=ada%40analytical.example', headers: ctx().as.owner });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('ada');
  });

  it('changes values with If-Match, keeps the blind index in step, and refuses a stale or missing version', async () => {
    const person = (await create(ctx(), { lastName: 'Noether', email: 'emmy@old.example' })).json();
    const url = `/api/v1/people/${person.id}`;
    const missing = await ctx().app.inject({ method: 'PATCH', url, headers: ctx().as.owner, payload: { email: 'emmy@new.example' } });
    expect(missing.statusCode).toBe(428);
    const ok = await ctx().app.inject({ method: 'PATCH', url, headers: { ...ctx().as.owner, 'if-match': '"1"' }, payload: { email: 'emmy@new.example', phone: null } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ email: 'emmy@new.example', lastName: 'Noether', version: 2 });
    expect(ok.headers.etag).toBe('"2"');
    const stale = await ctx().app.inject({ method: 'PATCH', url, headers: { ...ctx().as.owner, 'if-match': '"1"' }, payload: { lastName: 'X' } });
    expect(stale.statusCode).toBe(412);
    const lookup = async (email: string) =>
      (await ctx().app.inject({ method: 'POST', url: '/api/v1/people/lookup', headers: ctx().as.owner, payload: { email } })).json().items.length;
    expect(await lookup('emmy@old.example')).toBe(0);
    expect(await lookup('emmy@new.example')).toBe(1);
    const removed = await ctx().app.inject({ method: 'PATCH', url, headers: { ...ctx().as.owner, 'if-match': '"2"' }, payload: { email: null } });
    expect(removed.json().email).toBeNull();
    expect(await lookup('emmy@new.example')).toBe(0);
  });

  it('lists people page by page with a cursor', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/people?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await ctx().app.inject({ method: 'GET', url, headers: ctx().as.owner });
      expect(res.statusCode).toBe(200);
      for (const p of res.json().items) seen.add(p.id);
      cursor = res.json().nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    const total = await ctx().t.db.kysely.selectFrom('persons').select(sql<number>`count(*)`.as('n')).where('erased_at', 'is', null).executeTakeFirstOrThrow();
    expect(seen.size).toBe(Number(total.n));
    expect(pages).toBeGreaterThan(1);
  });

  it('lists the others when one person of the page objected to the purpose, and leaves the objector out', async () => {
    const a = (await create(ctx(), { lastName: 'Listed' })).json();
    const b = (await create(ctx(), { lastName: 'Objecting' })).json();
    await ctx().t.db.kysely
      .insertInto('objections')
      .values({ id: crypto.randomUUID(), workspace_id: ctx().workspaceId, person_id: b.id, purpose_key: 'crm', objected_at: '2026-03-01T00:00:00.000Z', outcome: 'upheld', decided_at: '2026-03-01T00:00:00.000Z', updated_at: '2026-03-01T00:00:00.000Z' })
      .execute();
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/people?limit=200${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await ctx().app.inject({ method: 'GET', url, headers: ctx().as.owner });
      expect(res.statusCode).toBe(200);
      ids.push(...res.json().items.map((p: { id: string }) => p.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(ids).toContain(a.id);
    expect(ids).not.toContain(b.id);
    const direct = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${b.id}`, headers: ctx().as.owner });
    expect(direct.json().code).toBe('OBJECTED');
  });

  it('refuses roles without the purpose or the permission', async () => {
    const person = (await create(ctx(), { lastName: 'Franklin' })).json();
    const auditor = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: ctx().as.auditor });
    expect(auditor.statusCode).toBe(403);
    const marketing = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: ctx().as.marketing });
    expect(marketing.statusCode).toBe(403);
    expect(marketing.json().code).toBe('PURPOSE_INACTIVE');
    const salesErase = await ctx().app.inject({ method: 'DELETE', url: `/api/v1/people/${person.id}`, headers: ctx().as.sales });
    expect(salesErase.statusCode).toBe(403);
    const unknownPurpose = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: { ...ctx().as.owner, 'custodian-purpose': 'nope' } });
    expect(unknownPurpose.statusCode).toBe(400);
  });
});
