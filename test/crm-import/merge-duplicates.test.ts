import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/kernel/audit/verify-audit-chain.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { ownerContext } from './import-fixtures.ts';

describe.each(testDialects)('duplicates and merge on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const db = () => ctx().t.db.kysely;
  const inject = (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
    ctx().app.inject({ method, url, headers: { ...ctx().as.owner, 'custodian-purpose': 'crm', ...headers }, ...(payload ? { payload } : {}) });

  it('finds possible duplicates by email, phone and name within an organization, naming ids and reasons only', async () => {
    const owner = await ownerContext(ctx());
    const org = randomUUID();
    const a = await ctx().services.people.create(owner, { firstName: 'Grace', lastName: 'Hopper', email: 'grace@navy.example', organizationId: org });
    const b = await ctx().services.people.create(owner, { firstName: 'G.', phone: '+14155550100' });
    const res = await inject('POST', '/api/v1/people/duplicates/check', { email: ' GRACE@navy.example ', phone: '+1 415 555 0100' });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { personId: string; reasons: string[] }[];
    expect(items.map((i) => [i.personId, i.reasons]).sort()).toEqual([[a.id, ['email']], [b.id, ['phone']]].sort());
    expect(res.body).not.toContain('navy.example');
    const byName = await inject('POST', '/api/v1/people/duplicates/check', { firstName: 'grace', lastName: ' HOPPER', organizationId: org });
    expect(byName.json().items).toEqual([{ personId: a.id, pseudonym: a.pseudonym, reasons: ['name_in_organization'] }]);
    const elsewhere = await inject('POST', '/api/v1/people/duplicates/check', { firstName: 'Grace', lastName: 'Hopper', organizationId: randomUUID() });
    expect(elsewhere.json().items).toEqual([]);
    expect((await inject('POST', '/api/v1/people/duplicates/check', {})).statusCode).toBe(400);

    // Suspected pairs: two people with the same email.
    const c = await ctx().services.people.create(owner, { firstName: 'Grace', email: 'Grace@navy.example' });
    const pairs = await inject('GET', '/api/v1/people/duplicates?limit=50');
    expect(pairs.statusCode, pairs.body).toBe(200);
    const found = (pairs.json().items as { a: { id: string }; b: { id: string }; reasons: string[] }[]).find((p) => [p.a.id, p.b.id].includes(c.id));
    expect(found && [found.a.id, found.b.id].sort()).toEqual([a.id, c.id].sort());
    expect(found?.reasons).toEqual(['email']);

    // Same name in the same organization.
    const twin = await ctx().services.people.create(owner, { firstName: 'GRACE ', lastName: 'hopper', organizationId: org });
    const byOrg = await inject('GET', '/api/v1/people/duplicates?by=name&limit=10');
    expect(byOrg.statusCode, byOrg.body).toBe(200);
    const named = (byOrg.json().items as { a: { id: string }; b: { id: string }; reasons: string[] }[]).map((p) => [[p.a.id, p.b.id].sort(), p.reasons]);
    expect(named).toEqual([[[a.id, twin.id].sort(), ['name_in_organization']]]);
    expect((await inject('GET', '/api/v1/people/duplicates?by=name&cursor=zz')).statusCode).toBe(400);
  });

  it('merges two people in one audited transaction: values, emails, tags, standing and linked deals follow, the other is gone and their key destroyed', async () => {
    const owner = await ownerContext(ctx());
    const kept = await ctx().services.people.create(owner, { firstName: 'Ada', email: 'ada@merge.example', tags: ['vip'] });
    const other = await ctx().services.people.create(owner, {
      firstName: 'Adah',
      lastName: 'Lovelace',
      email: 'countess@merge.example',
      phone: '+442079460958',
      jobTitle: 'Countess',
      tags: ['lead-2026'],
    });
    const at = ctx().clock.now().toISOString();
    const event = (person: string, state: string) => ({
      workspace_id: ctx().workspaceId,
      person_id: person,
      purpose_key: 'email_marketing',
      purpose_version: 1,
      state,
      method: 'web_form',
      notice_version: null,
      recorded_at: at,
      actor_type: 'system',
      actor_id: null,
    });
    // The other withdrew first; the kept one consented later: the withdrawal must still win.
    await db().insertInto('consent_events').values(event(other.id, 'withdrawn') as never).execute();
    await db().insertInto('consent_events').values(event(kept.id, 'given') as never).execute();
    await db()
      .insertInto('objections')
      .values({ id: randomUUID(), workspace_id: ctx().workspaceId, person_id: other.id, purpose_key: 'sales', objected_at: at, outcome: 'pending', decided_at: null, updated_at: at })
      .execute();

    // A feature's row linked to the other person (a deal, whose reassigner is registered by the deals area).
    const deal = await inject('POST', '/api/v1/deals', { title: 'Analytical engine', personIds: [other.id] });
    expect(deal.statusCode, deal.body).toBe(201);

    const url = `/api/v1/people/${kept.id}/merge`;
    expect((await inject('POST', url, { otherId: other.id })).statusCode).toBe(428);
    const stale = await inject('POST', url, { otherId: other.id }, { 'if-match': '"7"' });
    expect(stale.statusCode).toBe(412);
    expect((await inject('POST', url, { otherId: kept.id }, { 'if-match': '"1"' })).statusCode).toBe(400);
    expect((await inject('POST', url, { otherId: randomUUID() }, { 'if-match': '"1"' })).statusCode).toBe(404);
    expect((await ctx().services.people.get(owner, other.id)).jobTitle).toBe('Countess');

    const res = await inject('POST', url, { otherId: other.id }, { 'if-match': '"1"' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    const outcome = res.json();
    expect(outcome.filled).toEqual(expect.arrayContaining(['lastName', 'jobTitle']));
    expect(outcome.standing).toMatchObject({ consentEvents: 1, withdrawalsKept: 1, objections: 1 });

    const merged = await ctx().services.people.get(owner, kept.id);
    expect(merged).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', jobTitle: 'Countess', email: 'ada@merge.example', phone: '+442079460958' });
    expect(merged.emails.map((e) => [e.value, e.primary])).toEqual([['ada@merge.example', true], ['countess@merge.example', false]]);
    expect([...merged.tags].sort()).toEqual(['lead-2026', 'vip']);
    expect((await inject('GET', `/api/v1/people/${other.id}`)).statusCode).toBe(404);
    expect(outcome.reassigned['deal-people']).toBe(1);
    expect((await inject('GET', `/api/v1/deals/${deal.json().id}`)).json().personIds).toEqual([kept.id]);
    expect((await ctx().services.people.lookup(owner, { field: 'email', value: 'countess@merge.example' })).map((p) => p.id)).toEqual([kept.id]);

    const latest = await db()
      .selectFrom('consent_events')
      .select(['state', 'person_id'])
      .where('purpose_key', '=', 'email_marketing')
      .where('person_id', '=', kept.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(latest.state).toBe('withdrawn');
    expect(await db().selectFrom('objections').select('person_id').where('person_id', '=', other.id).execute()).toEqual([]);
    expect(await db().selectFrom('objections').select('person_id').where('person_id', '=', kept.id).execute()).toHaveLength(1);
    const key = await db().selectFrom('person_keys').selectAll().where('person_id', '=', other.id).executeTakeFirstOrThrow();
    expect(key.destroyed_at).not.toBeNull();
    expect(await db().selectFrom('person_blind_indexes').select('field').where('person_id', '=', other.id).execute()).toEqual([]);

    const entry = await db().selectFrom('audit_log').selectAll().where('action', '=', 'person.merge').executeTakeFirstOrThrow();
    const details = JSON.parse(entry.details) as Record<string, unknown>;
    expect(details).toMatchObject({ keptPseudonym: kept.pseudonym, mergedPseudonym: other.pseudonym });
    expect(entry.details).not.toContain('merge.example');
    expect(entry.details).not.toContain('Countess');
    expect((await verifyAuditChain(ctx().t.db, { workspaceId: ctx().workspaceId })).ok).toBe(true);
  });

  it('refuses to merge away a person under a legal hold, changing nothing', async () => {
    const owner = await ownerContext(ctx());
    const kept = await ctx().services.people.create(owner, { firstName: 'Keep' });
    const held = await ctx().services.people.create(owner, { firstName: 'Held', email: 'held@merge.example' });
    const hold = await ctx().app.inject({ method: 'POST', url: '/api/v1/legal-holds', headers: ctx().as.owner, payload: { personId: held.id, reason: 'litigation' } });
    expect(hold.statusCode, hold.body).toBe(201);
    const res = await inject('POST', `/api/v1/people/${kept.id}/merge`, { otherId: held.id }, { 'if-match': '"1"' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('LEGAL_HOLD');
    expect((await ctx().services.people.get(owner, held.id)).email).toBe('held@merge.example');
  });
});
