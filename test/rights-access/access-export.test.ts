import { randomUUID } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';

type Json = Record<string, unknown>;
type Section = { tables: string[]; count: number; items: Json[] };

const builtinSections = [
  'person',
  'contact_points',
  'tags',
  'field_provenance',
  'rectifications',
  'sources',
  'imports',
  'custom_fields',
  'activities',
  'tasks',
  'deals',
  'organizations',
  'consents',
  'receipts',
  'consent_confirmations',
  'standing',
  'legal_holds',
  'erasure_runs',
  'requests',
  'disclosures',
  'processing_log',
  'purposes',
  'recipients',
  'retention',
];

describe.each(testDialects)('access and portability export on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const db = () => ctx().t.db.kysely;
  const owner = () => ctx().as.owner;
  let ada = '';
  let bob = '';
  let jointActivity = '';
  let narrowExporter: { authorization: string };

  const call = async (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await ctx().app.inject({
      method,
      url,
      headers: { ...owner(), ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return res;
  };
  const created = async (
    method: 'POST' | 'PUT' | 'PATCH',
    url: string,
    payload: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await call(method, url, payload, headers);
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Json;
  };
  const exportOf = (id: string, query: string, headers: Record<string, string> = owner()) =>
    ctx().app.inject({ method: 'GET', url: `/api/v1/people/${id}/access-export${query}`, headers });

  beforeAll(async () => {
    const org = await created('POST', '/api/v1/organizations', { name: 'Analytical Engines Ltd' });
    const person = await created('POST', '/api/v1/people', {
      firstName: 'Adda',
      lastName: 'Lovelace',
      emails: [
        { value: 'ada@example.test', primary: true },
        { value: 'ada.home@example.test', label: 'home' },
      ],
      phone: '+44 20 7946 0001',
      jobTitle: '=HYPERLINK("http://evil.example","x")',
      address: { street: '12 St James Square', city: 'London', country: 'GB' },
      notes: 'Prefers letters',
      organizationId: org.id,
      tags: ['vip'],
    });
    ada = person.id as string;
    bob = (await created('POST', '/api/v1/people', { firstName: 'Bobbington', lastName: 'Babbage' }))
      .id as string;
    await created(
      'PATCH',
      `/api/v1/people/${ada}`,
      { firstName: 'Ada', reason: 'Spelling corrected on request' },
      { 'if-match': `"${person.version as number}"` },
    );

    const field = await created('POST', '/api/v1/custom-fields', {
      entity: 'person',
      key: 'loyalty_tier',
      label: 'Loyalty tier',
      type: 'text',
      classification: {
        category: 'user.professional_information',
        special: false,
        source: 'provided',
        retention: 'P2Y',
        purposes: ['crm', 'sales'],
      },
    });
    const observed = await created('POST', '/api/v1/custom-fields', {
      entity: 'person',
      key: 'engagement_score',
      label: 'Engagement score',
      type: 'text',
      classification: {
        category: 'user.professional_information',
        special: false,
        source: 'observed',
        retention: 'P2Y',
        purposes: ['crm', 'sales'],
      },
    });
    expect(field.id && observed.id).toBeTruthy();
    const values = await call('GET', `/api/v1/people/${ada}/custom-fields`);
    await created(
      'PUT',
      `/api/v1/people/${ada}/custom-fields`,
      { values: { loyalty_tier: 'gold', engagement_score: 'high' } },
      { 'if-match': values.headers.etag as string },
    );

    await created('POST', '/api/v1/activities', {
      type: 'call',
      subject: 'Call about the engine',
      body: '<p>Discussed the analytical engine</p>',
      occurredAt: '2026-03-01T09:00:00Z',
      links: [{ entity: 'person', id: ada }],
    });
    jointActivity = (
      await created('POST', '/api/v1/activities', {
        type: 'meeting',
        subject: 'Joint workshop',
        occurredAt: '2026-03-01T11:00:00Z',
        links: [
          { entity: 'person', id: ada },
          { entity: 'person', id: bob },
        ],
      })
    ).id as string;
    await created('POST', '/api/v1/tasks', {
      title: 'Send Ada the notes',
      link: { entity: 'person', id: ada },
    });
    await created('POST', '/api/v1/deals', {
      title: 'Engine licence',
      amount: 120000,
      currency: 'EUR',
      personIds: [ada],
      organizationId: org.id,
    });

    await created('POST', '/api/v1/requests', {
      type: 'access',
      channel: 'phone',
      personId: ada,
      identityMethod: 'staff_callback',
      language: 'fr',
    });
    // Webhook deliveries naming Ada's and Bob's pseudonyms (rows as the webhook outbox writes them).
    const endpoint = await created('POST', '/api/v1/webhooks', {
      url: 'http://127.0.0.1:9/hooks/abc?token=secret',
      eventTypes: ['*'],
      description: 'Mailing tool',
    });
    const pseudonyms = await db()
      .selectFrom('persons')
      .select(['id', 'pseudonym'])
      .where('id', 'in', [ada, bob])
      .execute();
    for (const p of pseudonyms) {
      await db()
        .insertInto('webhook_deliveries')
        .values({
          id: randomUUID(),
          workspace_id: ctx().workspaceId,
          endpoint_id: (endpoint.endpoint as Json).id as string,
          event_type: 'person.restricted',
          subject_pseudonym: p.pseudonym,
          payload: JSON.stringify({ type: 'person.restricted', data: { subjectPseudonym: p.pseudonym } }),
          status: 'delivered',
          attempts: 1,
          next_attempt_at: '2026-03-02T10:00:00.000Z',
          claimed_until: null,
          last_status_code: 204,
          last_error: null,
          created_at: '2026-03-02T10:00:00.000Z',
          delivered_at: '2026-03-02T10:00:01.000Z',
        })
        .execute();
    }
    const services = ctx().services;
    const actorCtx = { workspaceId: ctx().workspaceId, actor: { type: 'system' as const, id: null } };
    await services.purposes.setActive(db(), actorCtx, 'email_marketing', true);
    await services.consent.record(db(), actorCtx, {
      personId: ada,
      purpose: 'email_marketing',
      state: 'given',
      method: 'staff_recorded',
      evidence: { channel: 'phone', reference: 'call-42' },
    });
    await services.standing.raiseObjection(db(), actorCtx, ada, { purpose: 'email_marketing' });
    await db()
      .insertInto('legal_holds')
      .values({
        id: randomUUID(),
        workspace_id: ctx().workspaceId,
        person_id: ada,
        matter: 'CASE-2026-7',
        reason: 'litigation',
        placed_at: '2026-03-02T10:00:00.000Z',
        placed_by_type: 'system',
        placed_by_id: null,
        released_at: null,
      })
      .execute();

    const at = ctx().clock.now().toISOString();
    await db()
      .insertInto('roles')
      .values({
        id: randomUUID(),
        workspace_id: ctx().workspaceId,
        key: 'names_only_exporter',
        name: 'Exports names only',
        description: '',
        builtin: 0,
        permissions: JSON.stringify(['people:read', 'people:export']),
        purposes: '["crm"]',
        data_categories: '["user.name"]',
        default_purpose: 'crm',
        require_mfa: 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    narrowExporter = {
      authorization: `Bearer ${(await insertTokenForRole(db(), ctx().workspaceId, 'names_only_exporter')).token}`,
    };
  });

  it('holds every section, each value decrypted, through the gate with one audit entry', async () => {
    const entriesBefore = (await db().selectFrom('audit_log').select('seq').execute()).length;
    const before = await db()
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'person.access_export')
      .execute();
    const res = await exportOf(ada, '?kind=access&format=json');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['custodian-purpose']).toBe('crm');
    const doc = res.json() as {
      schemaVersion: number;
      language: string;
      kind: string;
      subject: Json;
      sections: Record<string, Section>;
      flaggedForReview: Json[];
    };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.kind).toBe('access');
    // No language asked: the one of the person's latest request (logged in French).
    expect(doc.language).toBe('fr');
    for (const key of builtinSections) expect(doc.sections[key], key).toBeDefined();
    const s = doc.sections;
    expect(s.person!.items[0]).toMatchObject({
      id: ada,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.test',
      phone: '+442079460001',
      notes: 'Prefers letters',
      'address.city': 'London',
    });
    expect(s.contact_points!.items.map((p) => p.value)).toEqual(
      expect.arrayContaining(['ada@example.test', 'ada.home@example.test', '+442079460001']),
    );
    expect(s.tags!.items).toEqual([{ tag: 'vip' }]);
    expect(s.rectifications!.items[0]).toMatchObject({
      fields: ['firstName'],
      oldValues: { firstName: 'Adda' },
      reason: 'Spelling corrected on request',
    });
    expect(s.custom_fields!.items.map((v) => [v.field, v.value])).toEqual(
      expect.arrayContaining([
        ['loyalty_tier', 'gold'],
        ['engagement_score', 'high'],
      ]),
    );
    expect(s.activities!.items.map((a) => a.subject)).toEqual(['Call about the engine', 'Joint workshop']);
    expect(s.activities!.items[0]!.body).toContain('analytical engine');
    expect(s.tasks!.items[0]).toMatchObject({ title: 'Send Ada the notes', status: 'open' });
    expect(s.deals!.items[0]).toMatchObject({ title: 'Engine licence', amount: 120000, currency: 'EUR' });
    expect(s.organizations!.items[0]).toMatchObject({ name: 'Analytical Engines Ltd' });
    expect(s.consents!.items[0]).toMatchObject({
      purpose: 'email_marketing',
      state: 'given',
      method: 'staff_recorded',
      evidence: { channel: 'phone', reference: 'call-42' },
    });
    expect(String(s.receipts!.items[0]!.jws).split('.')).toHaveLength(3);
    expect(s.standing!.items).toEqual([
      expect.objectContaining({ kind: 'objection', purpose: 'email_marketing' }),
    ]);
    expect(s.legal_holds!.items[0]).toMatchObject({
      matter: 'CASE-2026-7',
      reason: 'litigation',
      releasedAt: null,
    });
    expect(s.requests!.items[0]).toMatchObject({
      type: 'access',
      channel: 'phone',
      identityMethod: 'staff_callback',
    });
    // The fixture, and the events the webhook outbox queued itself (consent given, objection raised); never Bob's.
    expect(s.disclosures!.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          event: 'person.restricted',
          recipient: 'Mailing tool',
          recipientHost: '127.0.0.1:9',
          status: 'delivered',
        }),
      ]),
    );
    const deliveries = await db().selectFrom('webhook_deliveries').select('payload').execute();
    expect(s.disclosures!.items).toHaveLength(
      deliveries.filter((d) => d.payload.includes(String(doc.subject.pseudonym))).length,
    );
    expect(JSON.stringify(s.disclosures)).not.toContain('token=secret');
    expect(s.processing_log!.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['person.access_export']),
    );
    expect(s.purposes!.items.find((p) => p.key === 'sales')).toMatchObject({
      lawfulBasis: 'contract',
      art9Condition: null,
    });
    expect(s.recipients!.items.map((r) => r.name)).toContain('Accountants and tax authorities');
    expect(s.retention!.items.find((r) => r.entity === 'person' && r.attribute === 'email')).toMatchObject({
      category: 'user.contact.email',
    });

    const after = await db()
      .selectFrom('audit_log')
      .select(['details', 'subject_pseudonym', 'outcome'])
      .where('action', '=', 'person.access_export')
      .execute();
    expect(after.length).toBe(before.length + 1);
    // One entry for the whole export: no section writes its own.
    expect((await db().selectFrom('audit_log').select('seq').execute()).length).toBe(entriesBefore + 1);
    const entry = after.at(-1)!;
    expect(entry.outcome).toBe('allowed');
    expect(entry.subject_pseudonym).toBe(doc.subject.pseudonym);
    expect(entry.details).not.toMatch(/Ada|Lovelace|example\.test/);
  });

  it('zips the JSON, one neutralised CSV per section and the summary in the person’s language', async () => {
    const res = await exportOf(ada, '?format=zip&language=fr-CH');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(res.rawPayload));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'access-export.json',
        'summary.html',
        ...builtinSections.map((k) => `csv/${k}.csv`),
      ]),
    );
    const personCsv = strFromU8(files['csv/person.csv']!);
    expect(personCsv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(personCsv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const summary = strFromU8(files['summary.html']!);
    expect(summary).toContain('<html lang="fr">');
    expect(summary).toContain('Vos coordonnées');
    expect(JSON.parse(strFromU8(files['access-export.json']!)).language).toBe('fr');

    const german = await exportOf(ada, '?format=html&language=de');
    expect(german.headers['content-type']).toMatch(/^text\/html/);
    expect(german.body).toContain('Ihre Angaben');
    expect(german.body).not.toContain('<script');
    const fallback = await exportOf(ada, '?format=html&language=pt');
    expect(fallback.body).toContain('<html lang="en">');
    expect(fallback.body).toContain('Your details');
  });

  it('keeps portability to what the person provided under consent or contract, machine-readable', async () => {
    const res = await exportOf(ada, '?kind=portability');
    expect(res.statusCode, res.body).toBe(200);
    const doc = res.json() as { kind: string; sections: Record<string, Section> };
    expect(doc.kind).toBe('portability');
    expect(Object.keys(doc.sections).sort()).toEqual([
      'consents',
      'contact_points',
      'custom_fields',
      'person',
      'receipts',
    ]);
    const person = doc.sections.person!.items[0]!;
    expect(person).toMatchObject({ firstName: 'Ada', email: 'ada@example.test' });
    // Staff notes and business columns are not provided by the person.
    expect(person).not.toHaveProperty('notes');
    expect(person).not.toHaveProperty('lifecycleStage');
    // An observed value is not portable; a provided one under a contract purpose is.
    expect(doc.sections.custom_fields!.items.map((v) => v.field)).toEqual(['loyalty_tier']);
  });

  it('flags activities that link other people for review, without naming them', async () => {
    const res = await exportOf(ada, '');
    expect(res.headers['custodian-flagged-for-review']).toBe('1');
    const doc = res.json() as { flaggedForReview: Json[]; sections: Record<string, Section> };
    expect(doc.flaggedForReview).toEqual([
      { section: 'activities', recordId: jointActivity, reason: expect.stringContaining('1 other person') },
    ]);
    expect(doc.sections.activities!.items.find((a) => a.id === jointActivity)).toMatchObject({
      otherPeopleLinked: 1,
      flaggedForReview: true,
    });
    expect(res.body).not.toContain(bob);
    expect(res.body).not.toContain('Bobbington');

    const direct = await ctx().services.accessExporter.build(
      db(),
      {
        workspaceId: ctx().workspaceId,
        actor: { type: 'system', id: null },
        purpose: 'crm',
        role: { purposes: ['*'], dataCategories: ['*'] },
      },
      ada,
      { kind: 'access', language: 'en' },
    );
    expect(direct.flaggedForReview).toHaveLength(1);
  });

  it('answers 410 for an erased person and leaves the erasure intact', async () => {
    const carol = (await created('POST', '/api/v1/people', { firstName: 'Carol' })).id as string;
    expect((await call('DELETE', `/api/v1/people/${carol}`)).statusCode).toBe(200);
    const res = await exportOf(carol, '?format=zip');
    expect(res.statusCode).toBe(410);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('GONE');
  });

  it('is refused by the gate for a role whose categories do not cover the data, and the refusal is audited', async () => {
    const denied = await exportOf(ada, '', narrowExporter);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('ROLE_CATEGORY_DENIED');
    expect(denied.body).not.toContain('Lovelace');
    const last = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'processing.export')
      .where('outcome', '=', 'denied')
      .execute();
    expect(last.length).toBeGreaterThan(0);
    for (const role of ['marketing', 'auditor', 'admin'] as const) {
      const res = await exportOf(ada, '', ctx().as[role]);
      expect(res.statusCode, role).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('refuses a restricted person under an ordinary purpose, and exports them under a legal-claims purpose (ADR 0024)', async () => {
    const dora = (await created('POST', '/api/v1/people', { firstName: 'Dora', lastName: 'Restricted' }))
      .id as string;
    const actorCtx = { workspaceId: ctx().workspaceId, actor: { type: 'system' as const, id: null } };
    await ctx().services.standing.restrict(db(), actorCtx, dora, 'accuracy_contested');
    const refused = await exportOf(dora, '');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('RESTRICTED');
    await ctx().services.purposes.create(db(), actorCtx, {
      key: 'data_subject_rights',
      name: 'Answering data subject requests',
      lawfulBasis: 'legal_obligation',
      retention: 'P3Y',
      requiredCategories: ['user.name'],
      optionalCategories: ['user'],
      legalClaims: true,
      active: true,
    });
    const allowed = await exportOf(dora, '', { ...owner(), 'custodian-purpose': 'data_subject_rights' });
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json().sections.person.items[0].lastName).toBe('Restricted');
    expect(allowed.json().sections.standing.items).toEqual([
      expect.objectContaining({ kind: 'restriction', status: 'active', reason: 'accuracy_contested' }),
    ]);
  });

  it('answers wrong input with problem+json and changes nothing', async () => {
    const count = async () =>
      Number(
        (
          await db()
            .selectFrom('persons')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const people = await count();
    const cases: [string, string, number][] = [
      [ada, '?kind=everything', 400],
      [ada, '?format=pdf', 400],
      [ada, '?language=%3Cscript%3E', 400],
      [ada, '?unknown=1', 400],
      ['not-a-uuid', '', 400],
      [randomUUID(), '', 404],
    ];
    for (const [id, query, status] of cases) {
      const res = await exportOf(id, query);
      expect(res.statusCode, `${id}${query}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const unknownPurpose = await exportOf(ada, '', { ...owner(), 'custodian-purpose': 'no_such_purpose' });
    expect(unknownPurpose.statusCode).toBe(400);
    expect(await count()).toBe(people);
    const still = await exportOf(ada, '');
    expect(still.json().sections.person.items[0].firstName).toBe('Ada');
  });
});
