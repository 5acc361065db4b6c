import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/kernel/audit/verify-audit-chain.ts';
import { testDialects } from '../support/test-database.ts';
import { call, defaultPipeline } from '../crm-deals/deals-test-support.ts';
import {
  createPerson,
  createPolicy,
  days,
  json,
  preview,
  sweep,
  useFreshRetentionApp,
} from './retention-test-app.ts';
import type { PeopleTestApp } from '../kernel-people/people-test-app.ts';

async function personRow(ctx: PeopleTestApp, id: string) {
  return ctx.t.db.kysely.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function consentEvent(ctx: PeopleTestApp, personId: string, state: 'given' | 'withdrawn', at: string) {
  await ctx.t.db.kysely
    .insertInto('consent_events')
    .values({
      workspace_id: ctx.workspaceId,
      person_id: personId,
      purpose_key: 'email_marketing',
      purpose_version: 1,
      state,
      method: 'web_form',
      notice_version: null,
      recorded_at: at,
      actor_type: 'system',
      actor_id: null,
    })
    .execute();
}

async function logActivity(ctx: PeopleTestApp, links: { entity: string; id: string }[], occurredAt: string) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/activities',
    headers: { ...ctx.as.owner, ...json },
    payload: { type: 'call', subject: 'Call about the renewal', occurredAt, links },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe.each(testDialects)('retention sweep on %s', (dialect) => {
  const ctx = useFreshRetentionApp(dialect);

  it('creation: due one period after the record was created, not a day before; the sweep erases through the pipeline', async () => {
    const c = ctx();
    const p = await createPerson(c, { firstName: 'Olga', email: 'olga@example.test' });
    const policy = await createPolicy(c, {
      name: 'All contacts',
      period: 'P1Y',
      startEvent: 'creation',
      action: 'delete',
    });
    c.clock.advance(days(364));
    expect((await preview(c)).items).toEqual([]);
    c.clock.advance(days(2));
    const due = await preview(c);
    expect(due.items).toEqual([
      expect.objectContaining({
        personId: p.id,
        pseudonym: p.pseudonym,
        policyId: policy.id,
        startEvent: 'creation',
        startedAt: '2026-03-02T10:00:00.000Z',
        dueAt: '2027-03-02T10:00:00.000Z',
        action: 'delete',
      }),
    ]);
    const run = await sweep(c);
    expect(run).toMatchObject({
      status: 'completed',
      due: 1,
      erased: 1,
      anonymised: 0,
      blocked: 0,
      failed: 0,
    });
    const row = await personRow(c, p.id);
    expect(row.erased_at).not.toBeNull();
    expect([row.first_name, row.email]).toEqual([null, null]);
    const key = await c.t.db.kysely
      .selectFrom('person_keys')
      .select('destroyed_at')
      .where('person_id', '=', p.id)
      .executeTakeFirstOrThrow();
    expect(key.destroyed_at).not.toBeNull();
    const cert = await c.t.db.kysely
      .selectFrom('erasure_certificates')
      .selectAll()
      .where('subject_pseudonym', '=', p.pseudonym)
      .executeTakeFirstOrThrow();
    expect(cert.trigger).toBe('retention');
    const verified = await call(c, 'GET', `/api/v1/erasure-certificates/${cert.id}`);
    expect(verified.json().verified).toBe(true);
    // The erased person is suppressed: re-creating them is refused or flagged like any erased person.
    const suppressed = await c.services.suppression.matches(c.t.db.kysely, c.workspaceId, {
      email: 'olga@example.test',
    });
    expect(suppressed).toEqual(['email']);
    expect((await preview(c)).items).toEqual([]);
    expect((await verifyAuditChain(c.t.db, { workspaceId: c.workspaceId })).ok).toBe(true);
  });

  it('last activity: an activity linked to the person moves the start to its time', async () => {
    const c = ctx();
    const quiet = await createPerson(c, { firstName: 'Quiet' });
    const busy = await createPerson(c, { firstName: 'Busy' });
    await createPolicy(c, {
      name: 'Inactive contacts',
      period: 'P6M',
      startEvent: 'last_activity',
      action: 'delete',
    });
    await logActivity(c, [{ entity: 'person', id: busy.id }], '2026-06-01T09:00:00.000Z');
    c.clock.set('2026-09-03T00:00:00.000Z');
    const due = await preview(c);
    expect(due.items.map((i) => i.personId)).toEqual([quiet.id]);
    c.clock.set('2026-12-02T00:00:00.000Z');
    const later = await preview(c);
    expect(later.items.find((i) => i.personId === busy.id)).toMatchObject({
      startEvent: 'last_activity',
      startedAt: '2026-06-01T09:00:00.000Z',
      dueAt: '2026-12-01T09:00:00.000Z',
    });
  });

  it('contract end: kept while a deal is open, due one period after the last deal closed', async () => {
    const c = ctx();
    const customer = await createPerson(c, { firstName: 'Customer' });
    const stranger = await createPerson(c, { firstName: 'Stranger' });
    await createPolicy(c, { name: 'Customers', period: 'P1Y', startEvent: 'contract_end', action: 'delete' });
    const deal = await call(c, 'POST', '/api/v1/deals', {
      title: 'Renewal',
      amount: 5000,
      currency: 'EUR',
      personIds: [customer.id],
    });
    expect(deal.statusCode, deal.body).toBe(201);
    c.clock.advance(days(800));
    // The open deal keeps the customer; the stranger has no contract (and is not `former`), so no policy applies.
    expect((await preview(c)).items).toEqual([]);
    const won = (await defaultPipeline(c)).stages.find((s) => s.kind === 'won');
    const moved = await call(
      c,
      'POST',
      `/api/v1/deals/${deal.json().id}/move`,
      { stageId: won?.id, closeReason: 'Signed' },
      { 'if-match': '"1"' },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    const closedAt = moved.json().closedAt as string;
    c.clock.advance(days(364));
    expect((await preview(c)).items).toEqual([]);
    c.clock.advance(days(2));
    expect((await preview(c)).items).toEqual([
      expect.objectContaining({ personId: customer.id, startEvent: 'contract_end', startedAt: closedAt }),
    ]);
    void stranger;
  });

  it('consent withdrawal: due one period after the withdrawal, and not when consent was given again', async () => {
    const c = ctx();
    const gone = await createPerson(c, { firstName: 'Gone' });
    const back = await createPerson(c, { firstName: 'Back' });
    await createPolicy(c, {
      name: 'Newsletter leavers',
      purpose: 'email_marketing',
      period: 'P30D',
      startEvent: 'consent_withdrawal',
      action: 'delete',
    });
    await consentEvent(c, gone.id, 'given', '2026-03-02T10:00:00.000Z');
    await consentEvent(c, gone.id, 'withdrawn', '2026-03-10T10:00:00.000Z');
    await consentEvent(c, back.id, 'given', '2026-03-02T10:00:00.000Z');
    await consentEvent(c, back.id, 'withdrawn', '2026-03-03T10:00:00.000Z');
    await consentEvent(c, back.id, 'given', '2026-03-04T10:00:00.000Z');
    c.clock.set('2026-04-09T09:59:59.999Z');
    expect((await preview(c)).items).toEqual([]);
    c.clock.set('2026-04-09T10:00:00.000Z');
    expect((await preview(c)).items).toEqual([
      expect.objectContaining({
        personId: gone.id,
        startEvent: 'consent_withdrawal',
        startedAt: '2026-03-10T10:00:00.000Z',
        dueAt: '2026-04-09T10:00:00.000Z',
      }),
    ]);
  });

  it('a person is kept while any applicable policy still runs: the one ending last decides', async () => {
    const c = ctx();
    const p = await createPerson(c, { firstName: 'Both' });
    await createPolicy(c, { name: 'Short', period: 'P30D', startEvent: 'creation', action: 'delete' });
    const long = await createPolicy(c, {
      name: 'Long',
      period: 'P90D',
      startEvent: 'creation',
      action: 'anonymise',
    });
    c.clock.advance(days(60));
    expect((await preview(c)).items).toEqual([]);
    c.clock.advance(days(31));
    expect((await preview(c)).items).toEqual([
      expect.objectContaining({ personId: p.id, policyId: long.id, action: 'anonymise' }),
    ]);
  });

  it('delete removes the activities; anonymise keeps them (type, time, deal link) without content or person, and the deal amount', async () => {
    const c = ctx();
    const deleted = await createPerson(c, { firstName: 'Deleted', email: 'deleted@example.test' });
    const anonymous = await createPerson(c, { firstName: 'Anonymous', email: 'anon@example.test' });
    const deal = await call(c, 'POST', '/api/v1/deals', {
      title: 'Big deal',
      amount: 120000,
      currency: 'EUR',
      personIds: [deleted.id, anonymous.id],
    });
    const dealId = deal.json().id as string;
    await logActivity(
      c,
      [
        { entity: 'person', id: deleted.id },
        { entity: 'deal', id: dealId },
      ],
      '2026-03-01T09:00:00.000Z',
    );
    await logActivity(
      c,
      [
        { entity: 'person', id: anonymous.id },
        { entity: 'deal', id: dealId },
      ],
      '2026-03-01T10:00:00.000Z',
    );
    await logActivity(c, [{ entity: 'person', id: anonymous.id }], '2026-03-01T11:00:00.000Z');
    await createPolicy(c, { name: 'Contacts', period: 'P1D', startEvent: 'creation', action: 'delete' });
    // Only the second person has withdrawn from the newsletter: the anonymise policy, ending later, decides for them.
    await consentEvent(c, anonymous.id, 'given', '2026-03-02T10:00:00.000Z');
    await consentEvent(c, anonymous.id, 'withdrawn', '2026-03-03T10:00:00.000Z');
    await createPolicy(c, {
      name: 'Newsletter leavers',
      purpose: 'email_marketing',
      period: 'P2D',
      startEvent: 'consent_withdrawal',
      action: 'anonymise',
    });
    c.clock.advance(days(4));
    const plan = await preview(c);
    expect(plan.items.map((i) => [i.personId, i.action]).sort()).toEqual(
      [
        [anonymous.id, 'anonymise'],
        [deleted.id, 'delete'],
      ].sort(),
    );
    const run = await sweep(c);
    expect(run).toMatchObject({ anonymised: 1, erased: 1, failed: 0 });
    const db = c.t.db.kysely;
    const activities = await db.selectFrom('activities').selectAll().orderBy('occurred_at').execute();
    // The deleted person's activity is gone; the anonymised person's two stay, without content and without a person.
    expect(activities.map((a) => a.occurred_at)).toEqual([
      '2026-03-01T10:00:00.000Z',
      '2026-03-01T11:00:00.000Z',
    ]);
    for (const a of activities)
      expect([a.key_person_id, a.subject_enc, a.body_enc, a.subject_text, a.body_text]).toEqual([
        null,
        null,
        null,
        null,
        null,
      ]);
    const links = await db.selectFrom('activity_links').select(['entity', 'record_id']).execute();
    expect(links).toEqual([{ entity: 'deal', record_id: dealId }]);
    const kept = await db
      .selectFrom('deals')
      .select(['amount', 'status'])
      .where('id', '=', dealId)
      .executeTakeFirstOrThrow();
    expect(kept).toEqual({ amount: 120000, status: 'open' });
    expect(
      (await db.selectFrom('deal_stage_history').select('deal_id').where('deal_id', '=', dealId).execute())
        .length,
    ).toBeGreaterThan(0);
    expect(await db.selectFrom('deal_people').selectAll().execute()).toEqual([]);
    const stub = await personRow(c, anonymous.id);
    expect(stub).toMatchObject({
      first_name: null,
      last_name: null,
      email: null,
      phone: null,
      lifecycle_stage: null,
    });
    expect(stub.erased_at).not.toBeNull();
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'subject_pseudonym'])
      .where('action', 'in', ['person.erase', 'person.anonymise'])
      .execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'person.anonymise', subject_pseudonym: anonymous.pseudonym },
        { action: 'person.erase', subject_pseudonym: deleted.pseudonym },
      ]),
    );
    const cert = await db
      .selectFrom('erasure_certificates')
      .select('steps')
      .where('subject_pseudonym', '=', anonymous.pseudonym)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(cert.steps)).toContain('anonymise:activities');
    expect((await verifyAuditChain(c.t.db, { workspaceId: c.workspaceId })).ok).toBe(true);
  });

  it('a legal hold blocks: shown apart in the preview, untouched by the sweep, swept once released', async () => {
    const c = ctx();
    const held = await createPerson(c, { firstName: 'Held', email: 'held@example.test' });
    const free = await createPerson(c, { firstName: 'Free' });
    await createPolicy(c, { name: 'All', period: 'P1D', startEvent: 'creation', action: 'delete' });
    const hold = await c.app.inject({
      method: 'POST',
      url: '/api/v1/legal-holds',
      headers: { ...c.as.owner, ...json },
      payload: { matter: 'CASE-7', personIds: [held.id], reason: 'litigation' },
    });
    expect(hold.statusCode, hold.body).toBe(201);
    c.clock.advance(days(2));
    const plan = await preview(c);
    expect(plan.items.map((i) => i.personId)).toEqual([free.id]);
    expect(plan.blocked).toEqual([expect.objectContaining({ personId: held.id, holdIds: [hold.json().id] })]);
    expect(plan).toMatchObject({ total: 1, blockedTotal: 1 });
    const run = await sweep(c);
    expect(run).toMatchObject({ due: 2, erased: 1, blocked: 1 });
    expect((await personRow(c, held.id)).erased_at).toBeNull();
    const released = await c.app.inject({
      method: 'POST',
      url: `/api/v1/legal-holds/${hold.json().id}/release`,
      headers: c.as.owner,
    });
    expect(released.statusCode).toBe(200);
    expect(await sweep(c)).toMatchObject({ due: 1, erased: 1, blocked: 0 });
    expect((await personRow(c, held.id)).erased_at).not.toBeNull();
  });

  it('the sweep removes exactly the persons of the preview (paged), and a dry run removes nobody', async () => {
    const c = ctx();
    const people = [];
    for (let i = 0; i < 7; i += 1)
      people.push(await createPerson(c, { firstName: `P${i}`, email: `p${i}@example.test` }));
    c.clock.advance(days(10));
    const young = await createPerson(c, { firstName: 'Young' });
    await createPolicy(c, { name: 'Week', period: 'P7D', startEvent: 'creation', action: 'delete' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await preview(c, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => i.personId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(people.map((p) => p.id).sort());
    const dry = await sweep(c, { dryRun: true });
    expect(dry).toMatchObject({ due: 7, erased: 7 });
    expect(
      await c.t.db.kysely.selectFrom('persons').select('id').where('erased_at', 'is not', null).execute(),
    ).toEqual([]);
    c.clock.advance(1000);
    const run = await sweep(c);
    expect(run).toMatchObject({ due: 7, erased: 7, failed: 0 });
    const erased = await c.t.db.kysely
      .selectFrom('persons')
      .select('id')
      .where('erased_at', 'is not', null)
      .execute();
    expect(erased.map((r) => r.id).sort()).toEqual(seen.sort());
    expect((await personRow(c, young.id)).erased_at).toBeNull();
    const runs = await call(c, 'GET', '/api/v1/retention/sweeps');
    expect(runs.json().items.map((r: { dryRun: boolean; erased: number }) => [r.dryRun, r.erased])).toEqual([
      [false, 7],
      [true, 7],
    ]);
    const audit = await c.t.db.kysely
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'retention.sweep%')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['retention.sweep', 'retention.sweep.dry_run']);
  });
});
