import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { runCli } from '../support/run-cli.ts';
import { usePeopleTestApp, type PeopleTestApp } from '../kernel-people/people-test-app.ts';

type Headers = Record<string, string>;

async function post(ctx: PeopleTestApp, url: string, payload: unknown, headers: Headers = ctx.as.owner) {
  return ctx.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
}

async function exportOf(ctx: PeopleTestApp, body: Record<string, unknown>, headers: Headers = ctx.as.owner) {
  return post(ctx, '/api/v1/exports', body, headers);
}

const classification = { category: 'user.professional_information', special: false, source: 'provided', retention: 'P2Y', purposes: ['crm'] };

describe.each(testDialects)('export, search and saved views on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const people: { id: string; pseudonym: string }[] = [];

  it('sets up people with custom values, organizations and deals', async () => {
    expect((await post(ctx(), '/api/v1/custom-fields', { entity: 'person', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'], filterable: true, classification })).statusCode).toBe(201);
    expect((await post(ctx(), '/api/v1/custom-fields', { entity: 'person', key: 'motto', label: 'Motto', type: 'text', classification })).statusCode).toBe(201);
    expect((await post(ctx(), '/api/v1/custom-fields', { entity: 'organization', key: 'segment', label: 'Segment', type: 'select', options: ['smb', 'enterprise'], filterable: true })).statusCode).toBe(201);
    for (const [firstName, email, tier, motto] of [
      ['Ada', 'ada@example.org', 'gold', '=HYPERLINK("http://evil.example","click")'],
      ['Grace', 'grace@example.org', 'silver', '+1 and -1'],
      ['Alan', 'alan@example.org', 'gold', 'plain words'],
    ] as const) {
      const extra = firstName === 'Alan' ? { lifecycleStage: 'customer', tags: ['vip'], address: { city: 'Manchester', country: 'GB' } } : {};
      const res = await post(ctx(), '/api/v1/people', { firstName, email, ...extra });
      expect(res.statusCode).toBe(201);
      const person = res.json();
      people.push(person);
      const put = await ctx().app.inject({ method: 'PUT', url: `/api/v1/people/${person.id}/custom-fields`, headers: { ...ctx().as.owner, 'if-match': '"0"' }, payload: { values: { tier, motto } } });
      expect(put.statusCode, put.body).toBe(200);
    }
    const acme = await post(ctx(), '/api/v1/organizations', { name: 'Ärzte Acme GmbH', domain: 'acme.example' });
    expect(acme.statusCode, acme.body).toBe(201);
    await post(ctx(), '/api/v1/organizations', { name: '@Globex', domain: 'globex.example' });
    const deal = await post(ctx(), '/api/v1/deals', { title: 'Acme renewal 2026', amount: 120000, currency: 'EUR', organizationId: acme.json().id });
    expect(deal.statusCode, deal.body).toBe(201);
    const put = await ctx().app.inject({ method: 'PUT', url: `/api/v1/organizations/${acme.json().id}/custom-fields`, headers: { ...ctx().as.owner, 'if-match': '"0"' }, payload: { values: { segment: 'enterprise' } } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ entity: 'organization', version: 1, values: { segment: 'enterprise' } });
  });

  it('organization and deal values are plain, validated, and need If-Match; unknown records answer 404', async () => {
    const orgs = await ctx().t.db.kysely.selectFrom('custom_field_values').selectAll().where('entity', '=', 'organization').execute();
    expect(orgs.map((r) => r.value_plain)).toEqual(['"enterprise"']);
    const id = orgs[0]!.record_id;
    const bad = await ctx().app.inject({ method: 'PUT', url: `/api/v1/organizations/${id}/custom-fields`, headers: { ...ctx().as.owner, 'if-match': '"1"' }, payload: { values: { segment: 'huge' } } });
    expect(bad.statusCode).toBe(400);
    const stale = await ctx().app.inject({ method: 'PUT', url: `/api/v1/organizations/${id}/custom-fields`, headers: { ...ctx().as.owner, 'if-match': '"0"' }, payload: { values: { segment: 'smb' } } });
    expect(stale.statusCode).toBe(412);
    const missing = await ctx().app.inject({ method: 'GET', url: '/api/v1/deals/00000000-0000-4000-8000-000000000000/custom-fields', headers: ctx().as.owner });
    expect(missing.statusCode).toBe(404);
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/organizations/${id}/custom-fields`, headers: ctx().as.sales });
    expect(read.json().values).toEqual({ segment: 'enterprise' });
  });

  it('exports people as CSV with formula injection neutralised, audited once with the count and a digest', async () => {
    const before = await ctx().t.db.kysely.selectFrom('audit_log').select('seq').where('action', '=', 'processing.export').execute();
    const res = await exportOf(ctx(), { entity: 'person', format: 'csv', purpose: 'crm' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['custodian-export-count']).toBe('3');
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    const ada = rows.find((r) => r.firstName === 'Ada');
    expect(ada).toMatchObject({ email: 'ada@example.org', 'custom.tier': 'gold', 'custom.motto': `'=HYPERLINK("http://evil.example","click")` });
    expect(rows.find((r) => r.firstName === 'Grace')?.['custom.motto']).toBe("'+1 and -1");
    expect(rows.find((r) => r.firstName === 'Alan')?.['custom.motto']).toBe('plain words');
    const entries = await ctx().t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'processing.export').execute();
    expect(entries.length - before.length).toBe(1);
    const details = JSON.parse(entries[entries.length - 1]!.details) as Record<string, unknown>;
    expect(details).toMatchObject({ operation: 'export', count: 3 });
    expect(details.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(entries[entries.length - 1]!.details).not.toContain('ada@example.org');
  });

  it('exports JSON filtered by a custom value through the blind index', async () => {
    const res = await exportOf(ctx(), { entity: 'person', format: 'json', purpose: 'crm', filters: { custom: [{ key: 'tier', value: 'GOLD' }] } });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json() as Record<string, unknown>[];
    expect(items.map((i) => i.firstName).sort()).toEqual(['Ada', 'Alan']);
    // JSON keeps values as they are: it is not a spreadsheet.
    expect(items.find((i) => i.firstName === 'Ada')?.['custom.motto']).toBe('=HYPERLINK("http://evil.example","click")');
  });

  it('exports people filtered on their list columns (stage, tag), with the address and lists flattened', async () => {
    for (const filters of [{ lifecycleStage: 'customer' }, { tag: 'vip' }]) {
      const res = await exportOf(ctx(), { entity: 'person', format: 'csv', purpose: 'crm', filters });
      expect(res.statusCode, res.body).toBe(200);
      const rows = parse(res.body, { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => r.firstName)).toEqual(['Alan']);
      expect(rows[0]).toMatchObject({ city: 'Manchester', country: 'GB', tags: 'vip', lifecycleStage: 'customer', emails: 'alan@example.org' });
    }
  });

  it('needs people:export for people, refuses bad filters clearly, and leaves out people who objected', async () => {
    const marketing = await exportOf(ctx(), { entity: 'person', format: 'csv', purpose: 'crm' }, ctx().as.marketing);
    expect(marketing.statusCode).toBe(403);
    const badFilter = await exportOf(ctx(), { entity: 'person', format: 'csv', purpose: 'crm', filters: { stage: 'x' } });
    expect(badFilter.statusCode).toBe(400);
    const notFilterable = await exportOf(ctx(), { entity: 'person', format: 'csv', purpose: 'crm', filters: { custom: [{ key: 'motto', value: 'x' }] } });
    expect(notFilterable.statusCode).toBe(400);
    const unknownPurpose = await exportOf(ctx(), { entity: 'person', format: 'csv', purpose: 'nope' });
    expect(unknownPurpose.statusCode).toBe(400);
    const objection = await post(ctx(), `/api/v1/people/${people[1]!.id}/objections`, { purpose: 'crm' }, ctx().as.privacy_officer);
    expect(objection.statusCode, objection.body).toBe(201);
    const res = await exportOf(ctx(), { entity: 'person', format: 'json', purpose: 'crm' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['custodian-export-count']).toBe('2');
    expect((res.json() as { id: string }[]).map((p) => p.id)).not.toContain(people[1]!.id);
  });

  it('exports organizations (crm:read) with custom values, neutralised and audited', async () => {
    const res = await exportOf(ctx(), { entity: 'organization', format: 'csv', purpose: 'crm' }, ctx().as.sales);
    expect(res.statusCode, res.body).toBe(200);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.name).sort()).toEqual(["'@Globex", 'Ärzte Acme GmbH']);
    expect(rows.find((r) => r.domain === 'acme.example')?.['custom.segment']).toBe('enterprise');
    expect(Object.keys(rows[0]!)).not.toContain('workspaceId');
    const filtered = await exportOf(ctx(), { entity: 'organization', format: 'json', purpose: 'crm', filters: { custom: [{ key: 'segment', value: 'enterprise' }] } });
    expect((filtered.json() as { domain: string }[]).map((o) => o.domain)).toEqual(['acme.example']);
    const audit = await ctx().t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'organization.export').execute();
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ format: 'csv', count: 2 });
    const deals = await exportOf(ctx(), { entity: 'deal', format: 'json', purpose: 'crm', filters: { status: 'open' } });
    expect((deals.json() as { title: string }[]).map((d) => d.title)).toEqual(['Acme renewal 2026']);
  });

  it('exports people from the CLI to a file, audited like the API', async () => {
    const out = `${ctx().t.dataDir}/people.csv`;
    const res = await runCli(ctx().t, ['export', 'people', '--format', 'csv', '--purpose', 'crm', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    const { readFileSync } = await import('node:fs');
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.some((r) => r['custom.motto']?.startsWith("'="))).toBe(true);
    const audit = await ctx().t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'processing.export').where('actor_type', '=', 'system').where('actor_id', '=', 'cli').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ operation: 'export', count: rows.length });
    const bad = await runCli(ctx().t, ['export', 'people', '--format', 'xml', '--purpose', 'crm']);
    expect(bad.code).not.toBe(0);
  });

  it('searches organizations and deals case-insensitively, with LIKE wildcards taken literally', async () => {
    const search = (query: string, extra: Record<string, unknown> = {}) => post(ctx(), '/api/v1/search', { query, ...extra }, ctx().as.sales);
    const res = await search('ACME');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((h: { type: string; title: string }) => `${h.type}:${h.title}`).sort()).toEqual(['deal:Acme renewal 2026', 'organization:Ärzte Acme GmbH']);
    expect((await search('ärzte')).json().items).toHaveLength(1);
    // Accents do not matter either way.
    expect((await search('ARZTE')).json().items.map((h: { title: string }) => h.title)).toEqual(['Ärzte Acme GmbH']);
    expect((await search('renéwal')).json().items.map((h: { title: string }) => h.title)).toEqual(['Acme renewal 2026']);
    expect((await search('a_me')).json().items).toEqual([]);
    expect((await search('globex.exa')).json().items.map((h: { title: string }) => h.title)).toEqual(['@Globex']);
    expect((await search('%%')).json().items).toEqual([]);
    expect((await search('acme', { types: ['deal'] })).json().items.map((h: { type: string }) => h.type)).toEqual(['deal']);
    expect((await search('a')).statusCode).toBe(400);
    expect((await post(ctx(), '/api/v1/search', { query: 'acme' }, {})).statusCode).toBe(401);
  });

  it('saves views per user: filters checked per entity, private views hidden from others, only the owner edits', async () => {
    const created = await post(ctx(), '/api/v1/views', { entity: 'deal', name: 'Open deals', filters: { status: 'open' }, sort: { field: 'amount', direction: 'desc' }, columns: ['title', 'amount'] });
    expect(created.statusCode, created.body).toBe(201);
    const view = created.json();
    expect(view).toMatchObject({ entity: 'deal', shared: false, version: 1, filters: { status: 'open' } });
    expect((await post(ctx(), '/api/v1/views', { entity: 'deal', name: 'Bad', filters: { lifecycleStage: 'lead' } })).statusCode).toBe(400);
    expect((await post(ctx(), '/api/v1/views', { entity: 'person', name: 'Bad sort', sort: { field: 'lastName', direction: 'asc' } })).statusCode).toBe(400);
    const salesList = await ctx().app.inject({ method: 'GET', url: '/api/v1/views?entity=deal', headers: ctx().as.sales });
    expect(salesList.json().items).toEqual([]);
    expect((await ctx().app.inject({ method: 'GET', url: `/api/v1/views/${view.id}`, headers: ctx().as.sales })).statusCode).toBe(404);
    const shared = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/views/${view.id}`, headers: { ...ctx().as.owner, 'if-match': '"1"' }, payload: { shared: true } });
    expect(shared.statusCode).toBe(200);
    expect((await ctx().app.inject({ method: 'GET', url: '/api/v1/views?entity=deal', headers: ctx().as.sales })).json().items).toHaveLength(1);
    const salesEdit = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/views/${view.id}`, headers: { ...ctx().as.sales, 'if-match': '"2"' }, payload: { name: 'Mine now' } });
    expect(salesEdit.statusCode).toBe(403);
    expect((await ctx().app.inject({ method: 'PATCH', url: `/api/v1/views/${view.id}`, headers: { ...ctx().as.owner, 'if-match': '"1"' }, payload: { name: 'Stale' } })).statusCode).toBe(412);
    expect((await ctx().app.inject({ method: 'PATCH', url: `/api/v1/views/${view.id}`, headers: ctx().as.owner, payload: { name: 'No If-Match' } })).statusCode).toBe(428);
    expect((await ctx().app.inject({ method: 'DELETE', url: `/api/v1/views/${view.id}`, headers: ctx().as.sales })).statusCode).toBe(403);
    expect((await ctx().app.inject({ method: 'DELETE', url: `/api/v1/views/${view.id}`, headers: ctx().as.owner })).statusCode).toBe(204);
    // Pages by name with a cursor.
    for (const name of ['C view', 'A view', 'B view']) expect((await post(ctx(), '/api/v1/views', { entity: 'organization', name })).statusCode).toBe(201);
    const first = await ctx().app.inject({ method: 'GET', url: '/api/v1/views?entity=organization&limit=2', headers: ctx().as.owner });
    expect(first.json().items.map((v: { name: string }) => v.name)).toEqual(['A view', 'B view']);
    const second = await ctx().app.inject({ method: 'GET', url: `/api/v1/views?entity=organization&limit=2&cursor=${first.json().nextCursor}`, headers: ctx().as.owner });
    expect(second.json()).toMatchObject({ items: [{ name: 'C view' }], nextCursor: null });
    expect((await ctx().app.inject({ method: 'GET', url: '/api/v1/views?cursor=bm9wZQ', headers: ctx().as.owner })).statusCode).toBe(400);
  });
});
