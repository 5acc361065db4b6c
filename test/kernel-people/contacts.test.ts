import { describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { builtinRoles } from '../../src/identity/permissions.ts';
import type { ProcessingContext } from '../../src/kernel/gate/processing-context.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { testDialects } from '../support/test-database.ts';
import { tokenForRole, usePeopleTestApp, type PeopleTestApp } from './people-test-app.ts';

type Headers = Record<string, string>;

async function post(ctx: PeopleTestApp, url: string, payload: unknown, headers: Headers = ctx.as.owner) {
  return ctx.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
}

async function patch(ctx: PeopleTestApp, id: string, version: number, payload: unknown) {
  return ctx.app.inject({ method: 'PATCH', url: `/api/v1/people/${id}`, headers: { ...ctx.as.owner, 'if-match': `"${version}"` }, payload: payload as Record<string, unknown> });
}

async function ownerUserId(ctx: PeopleTestApp): Promise<string> {
  const role = await ctx.t.db.kysely.selectFrom('roles').select('id').where('workspace_id', '=', ctx.workspaceId).where('key', '=', 'owner').executeTakeFirstOrThrow();
  const user = await ctx.t.db.kysely.selectFrom('users').select('id').where('workspace_id', '=', ctx.workspaceId).where('role_id', '=', role.id).executeTakeFirstOrThrow();
  return user.id;
}

function processingContext(ctx: PeopleTestApp, userId: string): ProcessingContext {
  return { workspaceId: ctx.workspaceId, actor: { type: 'user', id: userId }, purpose: 'crm', role: builtinRoles.owner };
}

/** Row counts of every table a person's contact details live in, for "nothing changed" checks. */
async function snapshot(ctx: PeopleTestApp) {
  const db = ctx.t.db.kysely;
  const count = async (table: 'persons' | 'person_contact_points' | 'person_tags' | 'person_field_provenance' | 'person_rectifications' | 'person_blind_indexes' | 'person_keys') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return {
    persons: await count('persons'),
    points: await count('person_contact_points'),
    tags: await count('person_tags'),
    provenance: await count('person_field_provenance'),
    history: await count('person_rectifications'),
    indexes: await count('person_blind_indexes'),
    keys: await count('person_keys'),
    versions: JSON.stringify(await db.selectFrom('persons').select(['id', 'version']).orderBy('id').execute()),
  };
}

describe.each(testDialects)('people as CRM contacts on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('round-trips every contact field: emails and phones with one primary, address, job title, notes, stage, owner, tags, provenance', async () => {
    const owner = await ownerUserId(ctx());
    const body = {
      firstName: 'Katherine',
      lastName: 'Johnson',
      emails: [
        { value: 'katherine@work.example', label: 'work' },
        { value: 'KJ@Home.Example', label: 'home', primary: true },
      ],
      phones: [{ value: '+1 (757) 864-1000', label: 'office' }],
      jobTitle: 'Mathematician',
      address: { street: '1 Langley Blvd', city: 'Hampton', postalCode: '23681', region: 'VA', country: 'US' },
      notes: 'Met at the orbital mechanics seminar',
      organizationId: 'org_nasa',
      ownerUserId: owner,
      lifecycleStage: 'prospect',
      tags: ['VIP', 'space', 'vip'],
      provenance: { source: 'event', sourceDetail: 'Seminar badge scan', obtainedAt: '2026-02-27T09:30:00Z' },
      fieldProvenance: { jobTitle: { source: 'enrichment', sourceDetail: 'Public staff page' } },
    };
    const created = await post(ctx(), '/api/v1/people', body);
    expect(created.statusCode).toBe(201);
    const person = created.json();
    expect(person).toMatchObject({
      firstName: 'Katherine',
      email: 'KJ@home.example',
      phone: '+17578641000',
      emails: [
        { value: 'KJ@home.example', label: 'home', primary: true },
        { value: 'katherine@work.example', label: 'work', primary: false },
      ],
      phones: [{ value: '+17578641000', label: 'office', primary: true }],
      jobTitle: 'Mathematician',
      address: { street: '1 Langley Blvd', city: 'Hampton', postalCode: '23681', region: 'VA', country: 'US' },
      notes: 'Met at the orbital mechanics seminar',
      organizationId: 'org_nasa',
      ownerUserId: owner,
      lifecycleStage: 'prospect',
      tags: ['space', 'vip'],
      provenance: { source: 'event', sourceDetail: 'Seminar badge scan', obtainedAt: '2026-02-27T09:30:00.000Z', importId: null },
      fieldProvenance: [{ field: 'jobTitle', source: 'enrichment', sourceDetail: 'Public staff page', importId: null }],
      withheld: [],
      version: 1,
    });
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: ctx().as.owner });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(person);
    // A secondary email finds the person as well as the primary one.
    const bySecondary = await post(ctx(), '/api/v1/people/lookup', { email: 'Katherine@WORK.example' });
    expect(bySecondary.json().items.map((p: { id: string }) => p.id)).toEqual([person.id]);
    // One audit entry for the create, naming fields and never values.
    const entries = await ctx().t.db.kysely.selectFrom('audit_log').selectAll().where('subject_pseudonym', '=', person.pseudonym).where('action', '=', 'person.create').execute();
    expect(entries).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toMatch(/Katherine|Johnson|Langley|seminar|Mathematician/i);
  });

  it('normalises phones to E.164, national numbers only with a default country', async () => {
    const res = await post(ctx(), '/api/v1/people', { lastName: 'Turing', phones: [{ value: '0044 20 7946 0958' }, { value: '+33 6 12 34 56 78' }] });
    expect(res.statusCode).toBe(201);
    expect(res.json().phones.map((p: { value: string }) => p.value)).toEqual(['+442079460958', '+33612345678']);
    const national = await post(ctx(), '/api/v1/people', { lastName: 'Turing', phone: '020 7946 0958' });
    expect(national.statusCode).toBe(400);
    expect(national.json().errors).toEqual([expect.objectContaining({ path: '/phone' })]);
    const people = ctx().services.people;
    const [id] = await people.createMany(processingContext(ctx(), await ownerUserId(ctx())), [{ lastName: 'Flowers', phone: '020 7946 0959' }], { source: 'import', defaultCountry: 'GB' });
    expect((await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${id?.id}`, headers: ctx().as.owner })).json().phone).toBe('+442079460959');
  });

  it('answers bad contact input with a problem naming the field, never echoing the value, and changes nothing', async () => {
    const base = (await post(ctx(), '/api/v1/people', { lastName: 'Stable', emails: [{ value: 'stable@input.example' }], lifecycleStage: 'lead' })).json();
    const before = await snapshot(ctx());
    const cases: { name: string; send: () => ReturnType<typeof post>; status: number; path?: string }[] = [
      { name: 'bad phone', send: () => post(ctx(), '/api/v1/people', { lastName: 'A', phone: '+44 12' }), status: 400, path: '/phone' },
      { name: 'bad secondary phone', send: () => post(ctx(), '/api/v1/people', { lastName: 'A', phones: [{ value: '+33612345678' }, { value: '+1 999' }] }), status: 400, path: '/phones/1/value' },
      { name: 'bad country', send: () => post(ctx(), '/api/v1/people', { lastName: 'A', address: { city: 'Atlantis', country: 'XX' } }), status: 400, path: '/address/country' },
      { name: 'lower-case country', send: () => post(ctx(), '/api/v1/people', { lastName: 'A', address: { country: 'fr' } }), status: 400, path: '/address/country' },
      {
        name: 'two primary emails',
        send: () => post(ctx(), '/api/v1/people', { lastName: 'A', emails: [{ value: 'probe-one@x.example', primary: true }, { value: 'probe-two@x.example', primary: true }] }),
        status: 400,
        path: '/emails',
      },
      { name: 'same email twice', send: () => post(ctx(), '/api/v1/people', { lastName: 'A', emails: [{ value: 'twice@x.example' }, { value: 'TWICE@x.example' }] }), status: 400, path: '/emails/1/value' },
      { name: 'primary email disagrees', send: () => post(ctx(), '/api/v1/people', { lastName: 'A', email: 'one@x.example', emails: [{ value: 'two@x.example' }] }), status: 400, path: '/email' },
      { name: 'unknown lifecycle stage', send: () => post(ctx(), '/api/v1/people', { lastName: 'A', lifecycleStage: 'champion' }), status: 400 },
      { name: 'unknown source', send: () => post(ctx(), '/api/v1/people', { lastName: 'A', provenance: { source: 'scraped' } }), status: 400 },
      { name: 'unknown owner', send: () => post(ctx(), '/api/v1/people', { lastName: 'A', ownerUserId: 'nobody' }), status: 400, path: '/ownerUserId' },
      { name: 'business values only', send: () => post(ctx(), '/api/v1/people', { lifecycleStage: 'lead' }), status: 400 },
      { name: 'patch: bad phone', send: () => patch(ctx(), base.id, 1, { phone: '12' }), status: 400 },
      { name: 'patch: two primaries', send: () => patch(ctx(), base.id, 1, { phones: [{ value: '+33612345678', primary: true }, { value: '+33612345679', primary: true }] }), status: 400, path: '/phones' },
      { name: 'patch: unknown stage', send: () => patch(ctx(), base.id, 1, { lifecycleStage: 'won' }), status: 400 },
      { name: 'patch: bad country', send: () => patch(ctx(), base.id, 1, { address: { country: 'ZZ' } }), status: 400, path: '/address/country' },
      { name: 'patch: stale If-Match', send: () => patch(ctx(), base.id, 7, { jobTitle: 'Probe-secret-value', reason: 'probe-secret-value' }), status: 412 },
      { name: 'patch: reason alone', send: () => patch(ctx(), base.id, 1, { reason: 'nothing else' }), status: 400 },
    ];
    for (const c of cases) {
      const res = await c.send();
      expect({ name: c.name, status: res.statusCode }).toEqual({ name: c.name, status: c.status });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).not.toMatch(/probe-one|probe-two|Atlantis|probe-secret-value|twice@|\+44 12|champion/i);
      if (c.path) expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(c.path);
    }
    expect(await snapshot(ctx())).toEqual(before);
  });

  it('keeps every rectification with who, when, why and the old values encrypted, and replaces the primary email alone', async () => {
    const person = (await post(ctx(), '/api/v1/people', { firstName: 'Emmy', lastName: 'Noether', emails: [{ value: 'emmy@old.example' }, { value: 'emmy@second.example' }], jobTitle: 'Lecturer' })).json();
    const changed = await patch(ctx(), person.id, 1, { email: 'emmy@new.example', jobTitle: 'Professor', tags: ['algebra'], lifecycleStage: 'customer', reason: 'Person asked by email' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      email: 'emmy@new.example',
      emails: [
        { value: 'emmy@new.example', primary: true },
        { value: 'emmy@second.example', primary: false },
      ],
      jobTitle: 'Professor',
      tags: ['algebra'],
      lifecycleStage: 'customer',
      version: 2,
    });
    const history = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}/rectifications`, headers: ctx().as.owner });
    expect(history.statusCode).toBe(200);
    const [entry] = history.json().items;
    expect(entry).toMatchObject({
      version: 2,
      fields: expect.arrayContaining(['jobTitle', 'emails']),
      oldValues: { jobTitle: 'Lecturer', emails: [{ value: 'emmy@old.example', primary: true, label: null }, { value: 'emmy@second.example', primary: false, label: null }] },
      reason: 'Person asked by email',
      actor: { type: 'token' },
    });
    const row = await ctx().t.db.kysely.selectFrom('person_rectifications').selectAll().where('person_id', '=', person.id).executeTakeFirstOrThrow();
    expect(Buffer.from(row.old_values).toString('latin1')).not.toContain('Lecturer');
    // The person's timeline shows the change and the creation with its provenance.
    const source = ctx().services.timelineSources.list().find((t) => t.name === 'person-history');
    const timeline = await source?.load(ctx().t.db.kysely, processingContext(ctx(), await ownerUserId(ctx())), { entity: 'person', id: person.id }, { limit: 10 });
    expect(timeline?.map((e) => e.kind)).toEqual(['person.rectified', 'person.created']);
    expect(timeline?.[0]).toMatchObject({ body: 'Person asked by email', facts: { oldValues: { jobTitle: 'Lecturer' } } });
    // The old primary no longer finds the person; the new one and the kept secondary do.
    const found = async (email: string) => (await post(ctx(), '/api/v1/people/lookup', { email })).json().items.length;
    expect([await found('emmy@old.example'), await found('emmy@new.example'), await found('emmy@second.example')]).toEqual([0, 1, 1]);
  });

  it('filters lists by stage, owner, tag, organization and dates, sorts by update, and pages with a cursor', async () => {
    const owner = await ownerUserId(ctx());
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ctx().clock.set(`2026-04-0${i + 1}T10:00:00.000Z`);
      const res = await post(ctx(), '/api/v1/people', { lastName: `Filtered${i}`, lifecycleStage: i % 2 === 0 ? 'customer' : 'lead', tags: i < 3 ? ['listprobe'] : [], organizationId: 'org_list', ownerUserId: owner });
      made.push(res.json().id);
    }
    ctx().clock.set('2026-04-09T10:00:00.000Z');
    await patch(ctx(), made[0] as string, 1, { notes: 'touched last' });
    const ids = async (url: string) => (await ctx().app.inject({ method: 'GET', url, headers: ctx().as.owner })).json().items.map((p: { id: string }) => p.id);
    expect(await ids('/api/v1/people?organizationId=org_list&lifecycleStage=customer')).toEqual([made[0], made[2], made[4]]);
    expect(await ids('/api/v1/people?tag=listprobe&lifecycleStage=lead')).toEqual([made[1]]);
    expect(await ids(`/api/v1/people?organizationId=org_list&ownerUserId=${owner}&createdFrom=2026-04-02T00:00:00Z&createdTo=2026-04-04T00:00:00Z`)).toEqual([made[1], made[2]]);
    expect((await ids('/api/v1/people?organizationId=org_list&sort=updatedAt&order=desc'))[0]).toBe(made[0]);
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof post>> = await ctx().app.inject({ method: 'GET', url: `/api/v1/people?organizationId=org_list&sort=createdAt&order=desc&limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: ctx().as.owner });
      pages.push(res.json().items.map((p: { id: string }) => p.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(pages.flat()).toEqual([...made].reverse());
    // A cursor of another sort is refused, not misread.
    const first = await ctx().app.inject({ method: 'GET', url: '/api/v1/people?organizationId=org_list&limit=1', headers: ctx().as.owner });
    const mixed = await ctx().app.inject({ method: 'GET', url: `/api/v1/people?organizationId=org_list&sort=updatedAt&cursor=${first.json().nextCursor}`, headers: ctx().as.owner });
    expect(mixed.statusCode).toBe(400);
    // Custom-field filters only in a body; an unindexed value matches no one.
    const query = await post(ctx(), '/api/v1/people/query', { organizationId: 'org_list', customFields: [{ key: 'tier', value: 'gold' }] });
    expect(query.statusCode).toBe(200);
    expect(query.json().items).toEqual([]);
  });

  it('finds people by name prefix, every word must match, and never across workspaces', async () => {
    const ada = (await post(ctx(), '/api/v1/people', { firstName: 'Ada', lastName: 'Lovelace-Byron' })).json();
    const zoe = (await post(ctx(), '/api/v1/people', { firstName: 'Zoë', lastName: 'Lovegood' })).json();
    const search = async (query: string, headers: Headers = ctx().as.owner) => {
      const res = await post(ctx(), '/api/v1/people/search', { query }, headers);
      expect(res.statusCode).toBe(200);
      return res.json().items.map((p: { id: string }) => p.id).sort();
    };
    expect(await search('love')).toEqual([ada.id, zoe.id].sort());
    expect(await search('LOVELACE')).toEqual([ada.id]);
    expect(await search('byr ada')).toEqual([ada.id]);
    expect(await search('zoe')).toEqual([zoe.id]);
    expect(await search('lovegoodness')).toEqual([]);
    expect(await search('ada smith')).toEqual([]);
    const db = ctx().t.db.kysely;
    const other = await createWorkspace({ db, clock: ctx().clock, seeders: workspaceSeeders }, { name: 'Elsewhere' });
    const otherOwner = { authorization: `Bearer ${await tokenForRole(db, other, 'owner')}` };
    expect((await post(ctx(), '/api/v1/people', { firstName: 'Ada', lastName: 'Lovelace' }, otherOwner)).statusCode).toBe(201);
    expect(await search('lovelace', otherOwner)).toHaveLength(1);
    expect(await search('lovelace')).toEqual([ada.id]);
    // The query is never a URL parameter.
    expect([400, 404]).toContain((await ctx().app.inject({ method: 'GET', url: '/api/v1/people/search?query=ada', headers: ctx().as.owner })).statusCode);
  });

  it('creates many people in one transaction with one audit entry (count and digest), and refuses a bad batch atomically', async () => {
    const userId = await ownerUserId(ctx());
    const people = ctx().services.people;
    // Entries of this workspace about people written since a point (other features seed entries of their own).
    const lastSeq = async () => Number((await ctx().t.db.kysely.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('n')).executeTakeFirstOrThrow()).n);
    const peopleEntriesSince = async (seq: number) =>
      (await ctx().t.db.kysely.selectFrom('audit_log').select('action').where('workspace_id', '=', ctx().workspaceId).where('seq', '>', seq).execute())
        .map((e) => e.action)
        .filter((a) => a.startsWith('person') || a.startsWith('processing'));
    const start = await lastSeq();
    const items = Array.from({ length: 120 }, (_, i) => ({ firstName: `Bulk${i}`, lastName: 'Import', email: `bulk${i}@import.example`, tags: ['imported'] }));
    const created = await people.createMany(processingContext(ctx(), userId), items, { source: 'import', importId: 'imp_test_1', sourceDetail: 'contacts.csv' });
    expect(created).toHaveLength(120);
    expect(await peopleEntriesSince(start)).toEqual(['person.create_many']);
    const entry = await ctx().t.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry.action).toBe('person.create_many');
    expect(JSON.parse(entry.details)).toMatchObject({ count: 120, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(entry.details).not.toMatch(/Bulk|import\.example|contacts\.csv/);
    const third = (await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${created[2]?.id}`, headers: ctx().as.owner })).json();
    expect(third).toMatchObject({ firstName: 'Bulk2', email: 'bulk2@import.example', tags: ['imported'], provenance: { source: 'import', importId: 'imp_test_1', sourceDetail: 'contacts.csv' } });
    const byEmail = await post(ctx(), '/api/v1/people/lookup', { email: 'bulk77@import.example' });
    expect(byEmail.json().items.map((p: { id: string }) => p.id)).toEqual([created[77]?.id]);

    const before = await snapshot(ctx());
    const afterBulk = await lastSeq();
    const bad = [...items.slice(0, 3).map((i) => ({ ...i, email: `again-${i.email}` })), { lastName: 'Broken', phone: 'not a phone' }];
    await expect(people.createMany(processingContext(ctx(), userId), bad, { source: 'import' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { errors: [{ path: '/items/3/phone' }] } });
    expect(await snapshot(ctx())).toEqual(before);
    expect(await peopleEntriesSince(afterBulk)).toEqual([]);
  });

  it('refuses a bulk create holding a suppressed email, and names the rows', async () => {
    const userId = await ownerUserId(ctx());
    const gone = (await post(ctx(), '/api/v1/people', { lastName: 'Gone', emails: [{ value: 'main@gone.example' }, { value: 'other@gone.example' }] })).json();
    expect((await ctx().app.inject({ method: 'DELETE', url: `/api/v1/people/${gone.id}`, headers: ctx().as.owner })).statusCode).toBe(200);
    const items = [{ lastName: 'Fine' }, { lastName: 'Back', email: 'OTHER@gone.example' }];
    expect(await ctx().services.people.findSuppressed(ctx().workspaceId, items)).toEqual([1]);
    const before = await snapshot(ctx());
    await expect(ctx().services.people.createMany(processingContext(ctx(), userId), items, { source: 'import' })).rejects.toMatchObject({ code: 'SUPPRESSED', details: { rows: [1] } });
    expect(await snapshot(ctx())).toEqual(before);
    // The secondary email of an erased person is suppressed over the API too.
    expect((await post(ctx(), '/api/v1/people', { lastName: 'Again', emails: [{ value: 'fresh@x.example' }, { value: 'other@gone.example' }] })).statusCode).toBe(409);
  });

  it('erases everything of the contact tables and leaves no value in persons', async () => {
    const person = (
      await post(ctx(), '/api/v1/people', {
        firstName: 'Lise',
        emails: [{ value: 'lise@erase.example' }, { value: 'lise2@erase.example' }],
        phones: [{ value: '+43 1 4277 0' }],
        jobTitle: 'Physicist',
        address: { city: 'Vienna', country: 'AT' },
        notes: 'n',
        tags: ['erase-me'],
        organizationId: 'org_x',
        lifecycleStage: 'lead',
        provenance: { source: 'referral', sourceDetail: 'Otto' },
        fieldProvenance: { notes: { source: 'provided' } },
      })
    ).json();
    await patch(ctx(), person.id, 1, { jobTitle: 'Professor', reason: 'promotion' });
    const res = await ctx().app.inject({ method: 'DELETE', url: `/api/v1/people/${person.id}`, headers: ctx().as.owner });
    expect(res.statusCode).toBe(200);
    const db = ctx().t.db.kysely;
    for (const table of ['person_contact_points', 'person_tags', 'person_field_provenance', 'person_rectifications', 'person_blind_indexes'] as const) {
      expect({ table, rows: (await db.selectFrom(table).select('person_id').where('person_id', '=', person.id).execute()).length }).toEqual({ table, rows: 0 });
    }
    const row = await db.selectFrom('persons').selectAll().where('id', '=', person.id).executeTakeFirstOrThrow();
    expect([row.first_name, row.email, row.phone, row.job_title, row.address, row.notes, row.source_detail, row.organization_id, row.lifecycle_stage]).toEqual(Array(9).fill(null));
  });

  it('moves emails, phones, tags and history to the kept person of a merge, re-encrypted under its key', async () => {
    const kept = (await post(ctx(), '/api/v1/people', { lastName: 'Kept', emails: [{ value: 'kept@merge.example' }], tags: ['a'] })).json();
    const gone = (await post(ctx(), '/api/v1/people', { lastName: 'Merged', emails: [{ value: 'KEPT@merge.example' }, { value: 'extra@merge.example' }], phones: [{ value: '+33612345670' }], tags: ['a', 'b'] })).json();
    await patch(ctx(), gone.id, 1, { lastName: 'Merged-away', reason: 'typo' });
    const { keys, people } = ctx().services;
    const db = ctx().t.db.kysely;
    const moved = await db.transaction().execute(async (trx) => {
      const fromKey = await keys.getDataKey(trx, ctx().workspaceId, gone.id);
      const toKey = await keys.getDataKey(trx, ctx().workspaceId, kept.id);
      return people.reassignDetails(trx, { workspaceId: ctx().workspaceId, fromPersonId: gone.id, toPersonId: kept.id, fromKey, toKey });
    });
    expect(moved).toBe(5);
    const after = (await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${kept.id}`, headers: ctx().as.owner })).json();
    expect(after.emails).toEqual([
      { value: 'kept@merge.example', label: null, primary: true },
      { value: 'extra@merge.example', label: null, primary: false },
    ]);
    expect(after).toMatchObject({ phone: '+33612345670', tags: ['a', 'b'] });
    const history = (await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${kept.id}/rectifications`, headers: ctx().as.owner })).json();
    expect(history.items[0]).toMatchObject({ oldValues: { lastName: 'Merged' }, reason: 'typo' });
    expect((await post(ctx(), '/api/v1/people/lookup', { email: 'extra@merge.example' })).json().items.map((p: { id: string }) => p.id)).toEqual([kept.id]);
  });

  it('reads, finds and edits a person stored before contact points existed (primary values in persons only)', async () => {
    const person = (await post(ctx(), '/api/v1/people', { lastName: 'Legacy', email: 'legacy@old.example', phone: '+33612345601' })).json();
    // What a row written before migration 0020 looks like: no contact point rows.
    await ctx().t.db.kysely.deleteFrom('person_contact_points').where('person_id', '=', person.id).execute();
    const read = (await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: ctx().as.owner })).json();
    expect(read.emails).toEqual([{ value: 'legacy@old.example', label: null, primary: true }]);
    expect((await post(ctx(), '/api/v1/people/lookup', { phone: '+33 6 12 34 56 01' })).json().items.map((p: { id: string }) => p.id)).toEqual([person.id]);
    const added = await patch(ctx(), person.id, 1, { emails: [{ value: 'legacy@old.example' }, { value: 'legacy@new.example' }] });
    expect(added.json().emails.map((e: { value: string }) => e.value)).toEqual(['legacy@old.example', 'legacy@new.example']);
  });
});
