import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp, type PeopleTestApp } from '../kernel-people/people-test-app.ts';

type Headers = Record<string, string>;

async function defineField(ctx: PeopleTestApp, body: Record<string, unknown>, headers: Headers = ctx.as.owner) {
  return ctx.app.inject({ method: 'POST', url: '/api/v1/custom-fields', headers, payload: body });
}

async function newPerson(ctx: PeopleTestApp): Promise<{ id: string; pseudonym: string }> {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/people', headers: ctx.as.owner, payload: { firstName: 'Ada', lastName: 'Lovelace' } });
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function putValues(ctx: PeopleTestApp, personId: string, values: Record<string, unknown>, ifMatch: string | undefined, headers: Headers = ctx.as.owner) {
  return ctx.app.inject({
    method: 'PUT',
    url: `/api/v1/people/${personId}/custom-fields`,
    headers: { ...headers, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
    payload: { values },
  });
}

const classified = (over: Record<string, unknown> = {}) => ({
  category: 'user.professional_information',
  special: false,
  source: 'provided',
  retention: 'P2Y',
  purposes: ['crm', 'sales'],
  ...over,
});

/** Whether a text is anywhere in the raw storage (SQLite file and WAL, or every custom-field row on PostgreSQL). */
async function inStorage(ctx: PeopleTestApp, text: string): Promise<boolean> {
  if (ctx.t.db.dialect === 'sqlite') {
    const file = ctx.t.db.sqliteFile as string;
    const bytes = Buffer.concat([fs.readFileSync(file), fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
    return bytes.includes(Buffer.from(text, 'utf8'));
  }
  const rows = await ctx.t.db.kysely.selectFrom('custom_field_values').selectAll().execute();
  return rows.some((r) => (r.value_plain ?? '').includes(text) || (r.value_cipher ? Buffer.from(r.value_cipher).includes(Buffer.from(text, 'utf8')) : false));
}

describe.each(testDialects)('custom fields on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('refuses person fields that are not classified or classified against the rules, and creates nothing', async () => {
    const base = { entity: 'person', key: 'refused', label: 'Refused', type: 'text' };
    const cases: [Record<string, unknown> | undefined, RegExp][] = [
      [undefined, /must be classified/],
      [classified({ category: 'user.nothing_here' }), /not in the catalogue/],
      [classified({ category: 'user.health.condition', special: false, purposes: ['crm'] }), /must be flagged special/],
      [classified({ special: true }), /its category is not/],
      [classified({ category: 'user.demographic.language', purposes: ['crm'] }), /purpose crm does not cover/],
      [classified({ purposes: ['no_such_purpose'] }), /not in the register/],
      [classified({ retention: 'two years' }), /retention/],
    ];
    for (const [classification, reason] of cases) {
      const res = await defineField(ctx(), { ...base, ...(classification ? { classification } : {}) });
      expect(res.statusCode, JSON.stringify(classification)).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('FIELD_CLASSIFICATION_REFUSED');
      expect(res.json().reason).toMatch(reason);
    }
    const list = await ctx().app.inject({ method: 'GET', url: '/api/v1/custom-fields?entity=person', headers: ctx().as.owner });
    expect(list.json().items.map((f: { key: string }) => f.key)).not.toContain('refused');
    const attributes = await ctx().services.catalogue.listAttributes(ctx().t.db.kysely, ctx().workspaceId, 'person');
    expect(attributes.map((a) => a.attribute)).not.toContain('custom.refused');
  });

  it('refuses special-category data under a purpose without an Art. 9 condition, and accepts it under one that has it', async () => {
    const officer = ctx().as.privacy_officer;
    const purpose = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/purposes',
      headers: officer,
      payload: { key: 'care', name: 'Care', lawfulBasis: 'contract', art9Condition: 'explicit_consent', retention: 'P1Y', requiredCategories: ['user.name'], optionalCategories: ['user.health'], active: true },
    });
    expect(purpose.statusCode).toBe(201);
    const withCrm = await defineField(ctx(), { entity: 'person', key: 'allergy', label: 'Allergy', type: 'text', classification: classified({ category: 'user.health.condition', special: true, purposes: ['care', 'crm'] }) });
    expect(withCrm.statusCode).toBe(422);
    expect(withCrm.json().reason).toMatch(/purpose crm does not cover/);
    const ok = await defineField(ctx(), { entity: 'person', key: 'allergy', label: 'Allergy', type: 'text', classification: classified({ category: 'user.health.condition', special: true, purposes: ['care'] }) });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().classification).toMatchObject({ category: 'user.health.condition', special: true, purposes: ['care'] });
  });

  it('declares a person field in the catalogue as custom.<key>, audited, and refuses the same key twice', async () => {
    const res = await defineField(ctx(), { entity: 'person', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'], filterable: true, classification: classified() });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ entity: 'person', key: 'tier', options: ['gold', 'silver'], filterable: true, version: 1 });
    const attributes = await ctx().services.catalogue.listAttributes(ctx().t.db.kysely, ctx().workspaceId, 'person');
    expect(attributes.find((a) => a.attribute === 'custom.tier')).toMatchObject({ category: 'user.professional_information', searchable: true, special: false, retention: 'P2Y' });
    const audit = await ctx().t.db.kysely.selectFrom('audit_log').select(['action', 'resource_id']).where('resource_id', 'in', ['person.custom.tier', res.json().id]).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['catalogue.attribute.declare', 'custom_field.create']);
    const again = await defineField(ctx(), { entity: 'person', key: 'tier', label: 'Tier again', type: 'text', classification: classified() });
    expect(again.statusCode).toBe(409);
  });

  it('replays a create under the same Idempotency-Key and refuses the key with another body', async () => {
    const headers = { ...ctx().as.owner, 'idempotency-key': 'field-region-1' };
    const body = { entity: 'deal', key: 'region', label: 'Region', type: 'select', options: ['EMEA', 'APAC'] };
    const first = await defineField(ctx(), body, headers);
    expect(first.statusCode).toBe(201);
    const again = await defineField(ctx(), body, headers);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    const other = await defineField(ctx(), { ...body, label: 'Other' }, headers);
    expect(other.statusCode).toBe(422);
    const list = await ctx().app.inject({ method: 'GET', url: '/api/v1/custom-fields?entity=deal', headers: ctx().as.owner });
    expect(list.json().items.filter((f: { key: string }) => f.key === 'region')).toHaveLength(1);
  });

  it('refuses a classification on business fields and options on non-select fields', async () => {
    const org = await defineField(ctx(), { entity: 'organization', key: 'segment', label: 'Segment', type: 'text', classification: classified() });
    expect(org.statusCode).toBe(400);
    const options = await defineField(ctx(), { entity: 'deal', key: 'note', label: 'Note', type: 'text', options: ['a'] });
    expect(options.statusCode).toBe(400);
    const noOptions = await defineField(ctx(), { entity: 'deal', key: 'region', label: 'Region', type: 'select' });
    expect(noOptions.statusCode).toBe(400);
  });

  it('validates person values by type, normalises them, and leaves stored values intact on bad input', async () => {
    for (const [key, type, extra] of [
      ['linkedin', 'url', {}],
      ['work_mail', 'email', {}],
      ['mobile', 'phone', {}],
      ['since', 'date', {}],
      ['seats', 'number', {}],
      ['vip', 'boolean', {}],
      ['topics', 'multi_select', { options: ['ai', 'ops', 'sec'] }],
    ] as const) {
      const res = await defineField(ctx(), { entity: 'person', key, label: key, type, ...extra, classification: classified() });
      expect(res.statusCode, key).toBe(201);
    }
    const person = await newPerson(ctx());
    const good = await putValues(ctx(), person.id, { linkedin: 'https://example.org/in/ada', work_mail: ' Ada@Example.ORG ', mobile: '+44 20 7946 0958', since: '2024-02-29', seats: 12, vip: true, topics: ['ai', 'ai', 'ops'], tier: 'gold' }, '"0"');
    expect(good.statusCode, good.body).toBe(200);
    expect(good.headers.etag).toBe('"1"');
    expect(good.json().values).toEqual({ linkedin: 'https://example.org/in/ada', work_mail: 'ada@example.org', mobile: '+442079460958', since: '2024-02-29', seats: 12, vip: true, topics: ['ai', 'ops'], tier: 'gold' });
    const bad: Record<string, unknown>[] = [
      { linkedin: 'javascript:alert(1)' },
      { work_mail: 'not-an-email' },
      { mobile: '12' },
      { since: '2023-02-29' },
      { seats: 'twelve' },
      { vip: 'yes' },
      { topics: ['ai', 'cooking'] },
      { tier: 'bronze' },
      { unknown_field: 'x' },
    ];
    for (const values of bad) {
      const res = await putValues(ctx(), person.id, values, '"1"');
      expect(res.statusCode, JSON.stringify(values)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.body).not.toContain('cooking');
    }
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}/custom-fields`, headers: ctx().as.owner });
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json().values).toEqual(good.json().values);
  });

  it('needs If-Match on values: 428 without it, 412 when stale', async () => {
    const person = await newPerson(ctx());
    expect((await putValues(ctx(), person.id, { tier: 'gold' }, undefined)).statusCode).toBe(428);
    expect((await putValues(ctx(), person.id, { tier: 'gold' }, '"0"')).statusCode).toBe(200);
    const stale = await putValues(ctx(), person.id, { tier: 'silver' }, '"0"');
    expect(stale.statusCode).toBe(412);
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}/custom-fields`, headers: ctx().as.owner });
    expect(read.json().values.tier).toBe('gold');
  });

  it('lets one of two concurrent first writes win; the other answers 412', async () => {
    const person = await newPerson(ctx());
    const answers = await Promise.all([putValues(ctx(), person.id, { tier: 'gold' }, '"0"'), putValues(ctx(), person.id, { tier: 'silver' }, '"0"')]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 412]);
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}/custom-fields`, headers: ctx().as.owner });
    expect(read.json().version).toBe(1);
  });

  it('stores person values encrypted: no plaintext in storage, bound to the field and the person', async () => {
    const person = await newPerson(ctx());
    const res = await defineField(ctx(), { entity: 'person', key: 'codename', label: 'Code name', type: 'text', filterable: true, classification: classified() });
    expect(res.statusCode).toBe(201);
    const secret = 'Zanzibar-Quokka-7731';
    expect((await putValues(ctx(), person.id, { codename: secret }, '"0"')).statusCode).toBe(200);
    const rows = await ctx().t.db.kysely.selectFrom('custom_field_values').selectAll().where('record_id', '=', person.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.value_plain).toBeNull();
    expect(rows[0]?.value_cipher).toBeTruthy();
    expect(await inStorage(ctx(), secret)).toBe(false);
    const hash = ctx().services.blindIndex.compute(ctx().workspaceId, 'custom.codename', '  zanzibar-quokka-7731 ', 'text');
    const index = await ctx().t.db.kysely.selectFrom('person_blind_indexes').selectAll().where('field', '=', 'custom.codename').where('person_id', '=', person.id).execute();
    expect(index.map((i) => Buffer.from(i.hash).toString('hex'))).toEqual([hash.toString('hex')]);
  });

  it('finds people by a filterable custom value through the blind index, and rewrites the index on change', async () => {
    const a = await newPerson(ctx());
    const b = await newPerson(ctx());
    await putValues(ctx(), a.id, { tier: 'gold' }, '"0"');
    await putValues(ctx(), b.id, { tier: 'silver' }, '"0"');
    const hit = async (value: string) =>
      (await ctx().t.db.kysely
        .selectFrom('person_blind_indexes')
        .select('person_id')
        .where('workspace_id', '=', ctx().workspaceId)
        .where('field', '=', 'custom.tier')
        .where('hash', '=', ctx().services.blindIndex.compute(ctx().workspaceId, 'custom.tier', value, 'text'))
        .execute()).map((r) => r.person_id);
    expect(await hit('gold')).toContain(a.id);
    expect(await hit('gold')).not.toContain(b.id);
    await putValues(ctx(), a.id, { tier: 'silver' }, '"1"');
    expect(await hit('gold')).not.toContain(a.id);
    expect(await hit('silver')).toEqual(expect.arrayContaining([a.id, b.id]));
    await putValues(ctx(), a.id, { tier: null }, '"2"');
    expect(await hit('silver')).not.toContain(a.id);
    // The people list filters on these rows (POST /api/v1/people/query, the value in the body).
    const query = await ctx().app.inject({ method: 'POST', url: '/api/v1/people/query', headers: ctx().as.owner, payload: { limit: 200, customFields: [{ key: 'tier', value: 'Silver' }] } });
    expect(query.statusCode, query.body).toBe(200);
    const ids = (query.json().items as { id: string }[]).map((p) => p.id);
    expect(ids).toContain(b.id);
    expect(ids).not.toContain(a.id);
  });

  it('runs the gate: a role without the category is refused and audited; a field outside the purpose is refused', async () => {
    const patched = await ctx().app.inject({
      method: 'PATCH',
      url: '/api/v1/purposes/crm',
      headers: ctx().as.privacy_officer,
      payload: { optionalCategories: ['user.contact', 'user.professional_information', 'user.content.private', 'user.demographic.language'] },
    });
    expect(patched.statusCode).toBe(200);
    expect((await defineField(ctx(), { entity: 'person', key: 'language', label: 'Language', type: 'text', classification: classified({ category: 'user.demographic.language', purposes: ['crm'] }) })).statusCode).toBe(201);
    const person = await newPerson(ctx());
    expect((await putValues(ctx(), person.id, { language: 'fr' }, '"0"')).statusCode).toBe(200);
    const sales = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}/custom-fields`, headers: ctx().as.sales });
    expect(sales.statusCode).toBe(403);
    expect(sales.json().code).toBe('ROLE_CATEGORY_DENIED');
    expect(sales.body).not.toContain('"fr"');
    const denied = await ctx().t.db.kysely.selectFrom('audit_log').select(['outcome', 'details']).where('subject_pseudonym', '=', person.pseudonym).where('outcome', '=', 'denied').execute();
    expect(denied.length).toBeGreaterThan(0);
    const write = await putValues(ctx(), person.id, { language: 'de' }, '"1"', ctx().as.sales);
    expect(write.statusCode).toBe(403);
    const support = await putValues(ctx(), person.id, { tier: 'gold' }, '"1"', { ...ctx().as.owner, 'custodian-purpose': 'support' });
    expect(support.statusCode).toBe(422);
    expect(support.json()).toMatchObject({ code: 'FIELD_NOT_IN_PURPOSE', fields: ['tier'] });
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}/custom-fields`, headers: ctx().as.owner });
    expect(read.json().values).toEqual({ language: 'fr' });
  });

  it('writes one audit entry per change, with the pseudonym and field names but no value', async () => {
    const person = await newPerson(ctx());
    await putValues(ctx(), person.id, { codename: 'Unique-Value-991' }, '"0"');
    const entries = await ctx().t.db.kysely.selectFrom('audit_log').selectAll().where('subject_pseudonym', '=', person.pseudonym).where('action', '=', 'person.custom_fields.update').execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.details).toContain('custom.codename');
    expect(entries[0]?.details).not.toContain('Unique-Value-991');
  });

  it('erasure removes the person’s custom values and their index rows', async () => {
    const person = await newPerson(ctx());
    await putValues(ctx(), person.id, { tier: 'gold', codename: 'to-forget' }, '"0"');
    // The one erasure pipeline, as DELETE /api/v1/people/:id runs it.
    const certificate = await ctx().services.erasure.erasePerson({ workspaceId: ctx().workspaceId, personId: person.id, trigger: 'admin_delete', actor: { type: 'system', id: 'test' } });
    expect(certificate.steps).toContain('erase:custom-field-values');
    const db = ctx().t.db.kysely;
    expect(await db.selectFrom('custom_field_values').selectAll().where('record_id', '=', person.id).execute()).toEqual([]);
    expect(await db.selectFrom('custom_value_sets').selectAll().where('record_id', '=', person.id).execute()).toEqual([]);
    expect(await db.selectFrom('person_blind_indexes').selectAll().where('person_id', '=', person.id).execute()).toEqual([]);
    const gone = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}/custom-fields`, headers: ctx().as.owner });
    expect(gone.statusCode).toBe(410);
  });

  it('refuses to delete a field holding values until it is archived; archived fields keep values and take no new ones', async () => {
    const field = (await defineField(ctx(), { entity: 'person', key: 'temp', label: 'Temp', type: 'text', filterable: true, classification: classified() })).json();
    const person = await newPerson(ctx());
    await putValues(ctx(), person.id, { temp: 'x' }, '"0"');
    const refused = await ctx().app.inject({ method: 'DELETE', url: `/api/v1/custom-fields/${field.id}`, headers: ctx().as.owner });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('FIELD_HAS_VALUES');
    const sales = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/custom-fields/${field.id}`, headers: { ...ctx().as.sales, 'if-match': '"1"' }, payload: { archived: true } });
    expect(sales.statusCode).toBe(403);
    const archived = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/custom-fields/${field.id}`, headers: { ...ctx().as.owner, 'if-match': '"1"' }, payload: { archived: true } });
    expect(archived.statusCode).toBe(200);
    expect(archived.json()).toMatchObject({ archived: true, version: 2 });
    expect((await putValues(ctx(), person.id, { temp: 'y' }, '"1"')).statusCode).toBe(400);
    const kept = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}/custom-fields`, headers: ctx().as.owner });
    expect(kept.json().values.temp).toBe('x');
    const removed = await ctx().app.inject({ method: 'DELETE', url: `/api/v1/custom-fields/${field.id}`, headers: ctx().as.owner });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual({ valuesRemoved: 1 });
    expect(await ctx().t.db.kysely.selectFrom('person_blind_indexes').selectAll().where('field', '=', 'custom.temp').execute()).toEqual([]);
    const attributes = await ctx().services.catalogue.listAttributes(ctx().t.db.kysely, ctx().workspaceId, 'person');
    expect(attributes.map((a) => a.attribute)).not.toContain('custom.temp');
  });

  it('moves custom values to the kept person on merge, re-encrypted under their key', async () => {
    const from = await newPerson(ctx());
    const to = await newPerson(ctx());
    await putValues(ctx(), from.id, { tier: 'gold', codename: 'from-code' }, '"0"');
    await putValues(ctx(), to.id, { codename: 'kept-code' }, '"0"');
    const { services, t, workspaceId } = ctx();
    const reassigner = services.personReassigners.list().find((r) => r.name === 'custom-field-values');
    expect(reassigner).toBeDefined();
    const moved = await t.db.kysely.transaction().execute(async (trx) => {
      const fromKey = await services.keys.getDataKey(trx, workspaceId, from.id);
      const toKey = await services.keys.getDataKey(trx, workspaceId, to.id);
      return reassigner?.reassign(trx, { workspaceId, fromPersonId: from.id, toPersonId: to.id, fromKey, toKey });
    });
    expect(moved).toBe(1);
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${to.id}/custom-fields`, headers: ctx().as.owner });
    expect(read.json().values).toMatchObject({ tier: 'gold', codename: 'kept-code' });
    expect(read.json().version).toBe(2);
    expect(await t.db.kysely.selectFrom('custom_field_values').selectAll().where('record_id', '=', from.id).execute()).toEqual([]);
  });

  it('confirms list filters on decrypted values: a stranger sharing the truncated blind-index bucket is left out', async () => {
    expect((await defineField(ctx(), { entity: 'person', key: 'motto', label: 'Motto', type: 'text', filterable: true, classification: classified() })).statusCode).toBe(201);
    const bucket = (value: string) => ctx().services.blindIndex.compute(ctx().workspaceId, 'custom.motto', value, 'text').toString('hex');
    // The index keeps 16 bits: some other value lands in the same bucket as 'carpe diem'.
    const target = bucket('carpe diem');
    let stranger = '';
    for (let i = 0; !stranger; i++) if (bucket(`motto ${i}`) === target) stranger = `motto ${i}`;
    const holder = await newPerson(ctx());
    const lookalike = await newPerson(ctx());
    expect((await putValues(ctx(), holder.id, { motto: 'Carpe Diem' }, '"0"')).statusCode).toBe(200);
    expect((await putValues(ctx(), lookalike.id, { motto: stranger }, '"0"')).statusCode).toBe(200);
    const query = await ctx().app.inject({ method: 'POST', url: '/api/v1/people/query', headers: ctx().as.owner, payload: { limit: 1, customFields: [{ key: 'motto', value: 'carpe  diem' }] } });
    expect(query.statusCode, query.body).toBe(200);
    expect((query.json().items as { id: string }[]).map((p) => p.id)).toEqual([holder.id]);
    expect(query.json().nextCursor).toBeNull();
  });
});
