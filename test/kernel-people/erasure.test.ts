import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { verifyAuditChain } from '../../src/kernel/audit/verify-audit-chain.ts';
import type { Holding } from '../../src/kernel/erasure/person-erasers.ts';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp, type PeopleTestApp } from './people-test-app.ts';

async function createPerson(ctx: PeopleTestApp, body: Record<string, unknown>) {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/people', headers: ctx.as.owner, payload: body });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; pseudonym: string };
}

async function giveConsents(ctx: PeopleTestApp, personId: string, n: number) {
  const rows = Array.from({ length: n }, (_, i) => ({
    workspace_id: ctx.workspaceId,
    person_id: personId,
    purpose_key: 'email_marketing',
    purpose_version: 1,
    state: i % 2 === 0 ? 'given' : 'withdrawn',
    method: 'web_form',
    notice_version: null,
    recorded_at: '2026-03-01T10:00:00.000Z',
    actor_type: 'system',
    actor_id: null,
  }));
  await ctx.t.db.kysely.insertInto('consent_events').values(rows).execute();
}

const erase = (ctx: PeopleTestApp, id: string, headers = ctx.as.owner) =>
  ctx.app.inject({ method: 'DELETE', url: `/api/v1/people/${id}`, headers });

describe.each(testDialects)('erasure pipeline on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  // Test erasers, switched per test through these flags (the registry is the extension point features use).
  let explode = false;
  let invoices: Holding[] = [];
  let registered = false;
  const register = () => {
    if (registered) return;
    registered = true;
    ctx().services.erasure.erasers.register({
      name: 'test-invoices',
      async inventory() {
        return invoices;
      },
      async erase(_trx, _target, kept) {
        return { erased: invoices.length - kept.length };
      },
    });
    ctx().services.erasure.erasers.register({
      name: 'test-explosive',
      async erase() {
        if (explode) throw new AppError('CONFLICT', { detail: 'injected failure' });
        return { erased: 0 };
      },
    });
  };

  it('erases a person: 410 afterwards, no value left to decrypt, no blind-index row, key destroyed, audit chain verifies', async () => {
    register();
    const person = await createPerson(ctx(), { firstName: 'Rosalind', lastName: 'Franklin', email: 'rosalind@dna.example', phone: '+44 1223 000000' });
    await giveConsents(ctx(), person.id, 3);
    const res = await erase(ctx(), person.id);
    expect(res.statusCode).toBe(200);
    const certificate = res.json();
    expect(certificate).toMatchObject({ subjectPseudonym: person.pseudonym, trigger: 'admin_delete', kept: [] });
    // The kernel's steps in order, reversible erasers before the values, irreversible ones after (other features
    // register erasers of their own in between).
    const steps = certificate.steps as string[];
    expect(steps.slice(0, 4)).toEqual(['claim', 'legal-holds', 'exceptions', 'erase:standing']);
    expect(steps.slice(-4)).toEqual(['blind-indexes', 'suppression', 'destroy-key', 'certificate']);
    const at = (step: string) => steps.indexOf(step);
    for (const reversible of ['erase:person-details', 'erase:test-invoices', 'erase:test-explosive']) {
      expect(at(reversible)).toBeGreaterThan(at('erase:standing'));
      expect(at(reversible)).toBeLessThan(at('person-values'));
    }
    expect(at('erase:person-details-suppression')).toBeGreaterThan(at('person-values'));
    expect(JSON.stringify(certificate)).not.toMatch(/Rosalind|Franklin|rosalind@|1223/);

    const gone = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: ctx().as.owner });
    expect(gone.statusCode).toBe(410);
    expect((await erase(ctx(), person.id)).statusCode).toBe(410);

    const db = ctx().t.db.kysely;
    const row = await db.selectFrom('persons').selectAll().where('id', '=', person.id).executeTakeFirstOrThrow();
    expect([row.first_name, row.last_name, row.email, row.phone]).toEqual([null, null, null, null]);
    expect(row.erased_at).not.toBeNull();
    expect(await db.selectFrom('person_blind_indexes').selectAll().where('person_id', '=', person.id).execute()).toEqual([]);
    expect(await db.selectFrom('consent_events').selectAll().where('person_id', '=', person.id).execute()).toEqual([]);
    const key = await db.selectFrom('person_keys').selectAll().where('person_id', '=', person.id).executeTakeFirstOrThrow();
    expect(key.destroyed_at).not.toBeNull();
    expect(key.id).toBe(certificate.keyId);
    expect(Buffer.from(key.wrapped_key).every((b) => b === 0)).toBe(true);
    ctx().services.keys.forget();
    await expect(ctx().services.keys.getDataKey(db, ctx().workspaceId, person.id)).rejects.toMatchObject({ code: 'KEY_DESTROYED' });

    const lookup = await ctx().app.inject({ method: 'POST', url: '/api/v1/people/lookup', headers: ctx().as.owner, payload: { email: 'rosalind@dna.example' } });
    expect(lookup.json().items).toEqual([]);

    const verification = await verifyAuditChain(ctx().t.db, { workspaceId: ctx().workspaceId });
    expect(verification.ok).toBe(true);
    const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'person.erase').where('subject_pseudonym', '=', person.pseudonym).execute();
    expect(audit.map((a) => a.outcome)).toEqual(['allowed']);

    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/erasure-certificates/${certificate.id}`, headers: ctx().as.privacy_officer });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ ...certificate, verified: true });
    const list = await ctx().app.inject({ method: 'GET', url: '/api/v1/erasure-certificates', headers: ctx().as.privacy_officer });
    expect(list.json().items.map((c: { id: string }) => c.id)).toContain(certificate.id);
  });

  it('refuses to silently re-create an erased person (email or phone) unless a privacy officer overrides', async () => {
    register();
    const person = await createPerson(ctx(), { lastName: 'Meitner', email: 'lise@fission.example', phone: '+43 1 000 111' });
    expect((await erase(ctx(), person.id)).statusCode).toBe(200);
    const again = await ctx().app.inject({ method: 'POST', url: '/api/v1/people', headers: ctx().as.owner, payload: { lastName: 'Meitner', email: 'LISE@Fission.example' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'SUPPRESSED', suppressed: ['email'] });
    expect(again.body).not.toContain('lise');
    const byPhone = await ctx().app.inject({ method: 'POST', url: '/api/v1/people', headers: ctx().as.owner, payload: { lastName: 'M', phone: '0043 1 000-111' } });
    expect(byPhone.json().code).toBe('SUPPRESSED');
    const salesOverride = await ctx().app.inject({
      method: 'POST', url: '/api/v1/people', headers: ctx().as.sales,
      payload: { lastName: 'Meitner', email: 'lise@fission.example', suppressionOverride: { reason: 'new_consent' } },
    });
    expect(salesOverride.statusCode).toBe(403);
    const officer = await ctx().app.inject({
      method: 'POST', url: '/api/v1/people', headers: ctx().as.privacy_officer,
      payload: { lastName: 'Meitner', email: 'lise@fission.example', suppressionOverride: { reason: 'new_consent' } },
    });
    expect(officer.statusCode).toBe(201);
    const entry = await ctx().t.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'person.create').where('subject_pseudonym', '=', officer.json().pseudonym).executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details)).toMatchObject({ suppressionOverride: 'new_consent', suppressed: ['email'] });
  });

  it('is blocked by a legal hold on the person or on a matter, and proceeds once released', async () => {
    register();
    const held = await createPerson(ctx(), { lastName: 'Held', email: 'held@hold.example' });
    const other = await createPerson(ctx(), { lastName: 'Other' });
    const hold = await ctx().app.inject({ method: 'POST', url: '/api/v1/legal-holds', headers: ctx().as.privacy_officer, payload: { personId: held.id, reason: 'litigation' } });
    expect(hold.statusCode).toBe(201);
    const matter = await ctx().app.inject({
      method: 'POST', url: '/api/v1/legal-holds', headers: ctx().as.privacy_officer,
      payload: { matter: 'CASE-2026-14', personIds: [other.id], reason: 'investigation' },
    });
    expect(matter.statusCode).toBe(201);

    for (const p of [held, other]) {
      const res = await erase(ctx(), p.id);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('LEGAL_HOLD');
      const still = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${p.id}`, headers: ctx().as.owner });
      expect(still.statusCode).toBe(200);
    }
    const denied = await ctx().t.db.kysely.selectFrom('audit_log').select('outcome').where('action', '=', 'person.erase').where('subject_pseudonym', '=', held.pseudonym).execute();
    expect(denied.map((d) => d.outcome)).toEqual(['denied']);
    const run = await ctx().t.db.kysely.selectFrom('erasure_runs').selectAll().where('person_id', '=', held.id).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'rolled_back', error_code: 'LEGAL_HOLD' });

    const active = await ctx().app.inject({ method: 'GET', url: '/api/v1/legal-holds?active=true', headers: ctx().as.privacy_officer });
    expect(active.json().items.map((h: { id: string }) => h.id)).toEqual(expect.arrayContaining([hold.json().id, matter.json().id]));
    const released = await ctx().app.inject({ method: 'POST', url: `/api/v1/legal-holds/${hold.json().id}/release`, headers: ctx().as.privacy_officer });
    expect(released.statusCode).toBe(200);
    expect((await ctx().app.inject({ method: 'POST', url: `/api/v1/legal-holds/${hold.json().id}/release`, headers: ctx().as.privacy_officer })).statusCode).toBe(409);
    expect((await erase(ctx(), held.id)).statusCode).toBe(200);
  });

  it('undoes every earlier step when a step fails before the irreversible ones', async () => {
    register();
    const person = await createPerson(ctx(), { firstName: 'Chien-Shiung', lastName: 'Wu', email: 'wu@parity.example', phone: '+1 212 000 0000' });
    await giveConsents(ctx(), person.id, 4);
    const db = ctx().t.db.kysely;
    const before = await db.selectFrom('persons').selectAll().where('id', '=', person.id).executeTakeFirstOrThrow();
    explode = true;
    try {
      const res = await erase(ctx(), person.id);
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toBe('injected failure');
    } finally {
      explode = false;
    }
    const after = await db.selectFrom('persons').selectAll().where('id', '=', person.id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    expect(await db.selectFrom('consent_events').select('id').where('person_id', '=', person.id).execute()).toHaveLength(4);
    const key = await db.selectFrom('person_keys').select('destroyed_at').where('person_id', '=', person.id).executeTakeFirstOrThrow();
    expect(key.destroyed_at).toBeNull();
    const run = await db.selectFrom('erasure_runs').selectAll().where('person_id', '=', person.id).executeTakeFirstOrThrow();
    expect(run.status).toBe('rolled_back');
    const steps = JSON.parse(run.steps) as { name: string; state: string }[];
    expect(Object.fromEntries(steps.map((s) => [s.name, s.state]))).toMatchObject({
      claim: 'undone',
      'erase:standing': 'undone',
      'erase:test-explosive': 'failed',
      'person-values': 'pending',
      'destroy-key': 'pending',
    });
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: ctx().as.owner });
    expect(read.json()).toMatchObject({ firstName: 'Chien-Shiung', email: 'wu@parity.example' });
    const found = await ctx().app.inject({ method: 'POST', url: '/api/v1/people/lookup', headers: ctx().as.owner, payload: { email: 'wu@parity.example' } });
    expect(found.json().items).toHaveLength(1);
    // And the next attempt goes through.
    expect((await erase(ctx(), person.id)).statusCode).toBe(200);
  });

  it('keeps what an Art. 17(3) exception requires, with the reason, and erases what has expired', async () => {
    register();
    const person = await createPerson(ctx(), { lastName: 'Invoiced' });
    invoices = [
      { category: 'user.financial', purpose: 'accounting', since: '2025-06-30T00:00:00.000Z', count: 3 },
      { category: 'user.financial', purpose: 'accounting', since: '2014-01-31T00:00:00.000Z', count: 2 },
      { category: 'user.contact', purpose: 'crm', since: '2026-01-01T00:00:00.000Z', count: 1 },
    ];
    try {
      const res = await erase(ctx(), person.id);
      expect(res.statusCode).toBe(200);
      expect(res.json().kept).toEqual([
        {
          eraser: 'test-invoices',
          category: 'user.financial',
          purpose: 'accounting',
          since: '2025-06-30T00:00:00.000Z',
          count: 3,
          exception: 'legal_obligation',
          reason: 'Art. 17(3)(b): compliance with a legal obligation (purpose accounting, retention P10Y)',
          until: '2035-06-30T00:00:00.000Z',
        },
      ]);
    } finally {
      invoices = [];
    }
  });

  it('erases a person who objected or is restricted: standing never blocks forgetting', async () => {
    register();
    const person = await createPerson(ctx(), { lastName: 'Objector', email: 'objector@example.com' });
    await ctx().t.db.kysely
      .insertInto('objections')
      .values({ id: crypto.randomUUID(), workspace_id: ctx().workspaceId, person_id: person.id, purpose_key: 'crm', objected_at: '2026-03-01T00:00:00.000Z', outcome: 'upheld', decided_at: '2026-03-01T00:00:00.000Z', updated_at: '2026-03-01T00:00:00.000Z' })
      .execute();
    expect((await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: ctx().as.owner })).statusCode).toBe(403);
    expect((await erase(ctx(), person.id)).statusCode).toBe(200);
  });

  it('answers bad input on the erasure and legal-hold routes with a problem and changes nothing', async () => {
    const po = ctx().as.privacy_officer;
    const cases: { method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: unknown; status: number; headers?: Record<string, string> }[] = [
      { method: 'DELETE', url: '/api/v1/people/not-a-uuid', status: 400 },
      { method: 'DELETE', url: `/api/v1/people/${crypto.randomUUID()}`, status: 404 },
      { method: 'GET', url: '/api/v1/erasure-certificates/nope', status: 400, headers: po },
      { method: 'GET', url: `/api/v1/erasure-certificates/${crypto.randomUUID()}`, status: 404, headers: po },
      { method: 'GET', url: '/api/v1/erasure-certificates?limit=0', status: 400, headers: po },
      { method: 'GET', url: '/api/v1/erasure-certificates?cursor=%%%', status: 400, headers: po },
      { method: 'GET', url: '/api/v1/erasure-certificates?cursor=abc', status: 400, headers: po },
      { method: 'GET', url: '/api/v1/erasure-certificates?extra=1', status: 400, headers: po },
      { method: 'GET', url: '/api/v1/erasure-certificates', status: 403, headers: ctx().as.sales },
      { method: 'POST', url: '/api/v1/legal-holds', payload: {}, status: 400, headers: po },
      { method: 'POST', url: '/api/v1/legal-holds', payload: { personId: crypto.randomUUID(), reason: 'litigation' }, status: 404, headers: po },
      { method: 'POST', url: '/api/v1/legal-holds', payload: { personId: crypto.randomUUID(), reason: 'because' }, status: 400, headers: po },
      { method: 'POST', url: '/api/v1/legal-holds', payload: { personId: 'x', reason: 'litigation' }, status: 400, headers: po },
      { method: 'POST', url: '/api/v1/legal-holds', payload: { matter: 'Jane Doe v. Us', personIds: [crypto.randomUUID()], reason: 'litigation' }, status: 400, headers: po },
      { method: 'POST', url: '/api/v1/legal-holds', payload: { matter: 'C-1', personIds: [], reason: 'litigation' }, status: 400, headers: po },
      { method: 'POST', url: '/api/v1/legal-holds', payload: { personId: crypto.randomUUID(), reason: 'litigation', note: 'x' }, status: 400, headers: po },
      { method: 'POST', url: '/api/v1/legal-holds', payload: { personId: crypto.randomUUID(), reason: 'litigation' }, status: 403, headers: ctx().as.sales },
      { method: 'POST', url: `/api/v1/legal-holds/${crypto.randomUUID()}/release`, status: 404, headers: po },
      { method: 'POST', url: '/api/v1/legal-holds/zzz/release', status: 400, headers: po },
      { method: 'GET', url: '/api/v1/legal-holds?active=maybe', status: 400, headers: po },
    ];
    const holdsBefore = await ctx().t.db.kysely.selectFrom('legal_holds').select('id').execute();
    for (const c of cases) {
      const res = await ctx().app.inject({ method: c.method, url: c.url, headers: c.headers ?? ctx().as.owner, ...(c.payload !== undefined ? { payload: c.payload as object } : {}) });
      expect({ url: c.url, status: res.statusCode }).toEqual({ url: c.url, status: c.status });
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await ctx().t.db.kysely.selectFrom('legal_holds').select('id').execute()).toEqual(holdsBefore);
  });
});
