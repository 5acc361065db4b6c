import { describe, expect, it } from 'vitest';
import { expireConsents } from '../../src/consent/records/consent-expiry-job.ts';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp, type PeopleTestApp } from '../kernel-people/people-test-app.ts';

type Headers = Record<string, string>;

function api(ctx: () => PeopleTestApp) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Headers = ctx().as.owner) =>
    ctx().app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  return {
    call,
    async person(values: Record<string, unknown>) {
      const res = await call('POST', '/api/v1/people', values);
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; pseudonym: string };
    },
    async publishedNotice(purpose: string) {
      const draft = await call('POST', '/api/v1/notices', { purpose, language: 'en' });
      expect(draft.statusCode, draft.body).toBe(201);
      const published = await call('POST', `/api/v1/notices/versions/${draft.json().id}/publish`);
      expect(published.statusCode).toBe(200);
      return published.json() as { id: string; digest: string; url: string };
    },
    readAs: (personId: string, purpose: string) => call('GET', `/api/v1/people/${personId}`, undefined, { ...ctx().as.owner, 'custodian-purpose': purpose }),
  };
}

describe.each(testDialects)('consent core on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const a = api(ctx);

  it('generates a notice draft from the purpose register, publishes it immutable with a public page', async () => {
    const draft = await a.call('POST', '/api/v1/notices', { purpose: 'crm', language: 'en' });
    expect(draft.statusCode).toBe(201);
    const markdown = draft.json().markdown as string;
    for (const item of ['Who we are', 'Legal basis', 'legitimate interests', 'Which data', 'How long', '3 years', 'Your rights', 'Complaints']) {
      expect(markdown).toContain(item);
    }
    expect(draft.json()).toMatchObject({ status: 'draft', url: null, digest: null });
    expect((await a.call('GET', `/notices/${draft.json().id}`)).statusCode).toBe(404);

    const edited = await a.call('PATCH', `/api/v1/notices/versions/${draft.json().id}`, { markdown: `${markdown}\n<script>alert(1)</script><img src=x onerror=alert(2)>` });
    expect(edited.statusCode).toBe(200);
    const published = await a.call('POST', `/api/v1/notices/versions/${draft.json().id}/publish`);
    expect(published.json()).toMatchObject({ status: 'published', url: `/notices/${draft.json().id}` });
    expect(published.json().digest).toMatch(/^[0-9a-f]{64}$/);

    const page = await ctx().app.inject({ method: 'GET', url: `/notices/${draft.json().id}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<h1>Customer relationship management</h1>');
    expect(page.body).not.toContain('<script>');
    expect(page.body).not.toContain('onerror');

    const change = await a.call('PATCH', `/api/v1/notices/versions/${draft.json().id}`, { title: 'Changed' });
    expect(change.statusCode).toBe(409);
    expect((await a.call('GET', `/api/v1/public/notices/${draft.json().id}`, undefined, {})).json().title).not.toBe('Changed');

    // A second version retires the first.
    const second = await a.call('POST', '/api/v1/notices', { purpose: 'crm', language: 'en', title: 'v2', markdown: 'Second text' });
    expect(second.json().version).toBe(2);
    await a.call('POST', `/api/v1/notices/versions/${second.json().id}/publish`);
    expect((await a.call('GET', `/api/v1/notices/versions/${draft.json().id}`)).json().status).toBe('retired');
  });

  it('refuses bad notices and unknown purposes', async () => {
    expect((await a.call('POST', '/api/v1/notices', { purpose: 'nope', language: 'en' })).json().code).toBe('PURPOSE_UNKNOWN');
    expect((await a.call('POST', '/api/v1/notices', { purpose: 'crm', language: 'English' })).statusCode).toBe(400);
    expect((await a.call('POST', '/api/v1/notices', { purpose: 'crm', language: 'en', markdown: '' })).statusCode).toBe(400);
  });

  it('records consent with evidence, the gate reads it at once, withdrawal and expiry stop processing', async () => {
    await a.call('POST', '/api/v1/purposes/email_marketing/activate');
    const person = await a.person({ firstName: 'Ida', email: 'ida@example.org' });
    const notice = await a.publishedNotice('email_marketing');
    expect((await a.readAs(person.id, 'email_marketing')).json().code).toBe('CONSENT_MISSING');

    const noNotice = await a.call('POST', '/api/v1/consents', { personId: person.id, purpose: 'email_marketing', state: 'given', method: 'api' });
    expect(noNotice.statusCode).toBe(400);
    const given = await a.call('POST', '/api/v1/consents', {
      personId: person.id,
      purpose: 'email_marketing',
      state: 'given',
      method: 'api',
      noticeVersionId: notice.id,
      validFor: 'P1Y',
      evidence: { ip: '203.0.113.77', userAgent: 'Mozilla/5.0 (IdaBrowser)', pageUrl: 'https://shop.example/signup?ref=ida@example.org#x' },
    });
    expect(given.statusCode, given.body).toBe(201);
    expect(given.json().evidence).toEqual({ ip: '203.0.113.0', userAgent: 'Mozilla/5.0 (IdaBrowser)', pageUrl: 'https://shop.example/signup' });
    expect(given.json().expiresAt).toBe('2027-03-02T10:00:00.000Z');
    expect((await a.readAs(person.id, 'email_marketing')).statusCode).toBe(200);

    // Evidence is stored encrypted: the user agent is nowhere in clear.
    const row = await ctx().t.db.kysely.selectFrom('consent_events').selectAll().where('event_id', '=', given.json().id).executeTakeFirstOrThrow();
    expect(Buffer.from(row.evidence!).includes(Buffer.from('IdaBrowser'))).toBe(false);

    // Expiry: a year and a day later the gate refuses.
    ctx().clock.advance(366 * 86_400_000);
    expect((await a.readAs(person.id, 'email_marketing')).json().code).toBe('CONSENT_MISSING');
    ctx().clock.set('2026-03-02T10:00:00.000Z');
    expect((await a.readAs(person.id, 'email_marketing')).statusCode).toBe(200);

    const eligible = await a.call('GET', '/api/v1/consents/eligible?purpose=email_marketing');
    expect(eligible.json()).toMatchObject({ purpose: 'email_marketing', count: 1 });

    const withdrawn = await a.call('POST', '/api/v1/consents', { personId: person.id, purpose: 'email_marketing', state: 'withdrawn', method: 'staff_recorded', evidence: { channel: 'call' } });
    expect(withdrawn.statusCode).toBe(201);
    expect((await a.readAs(person.id, 'email_marketing')).json().code).toBe('CONSENT_MISSING');
    expect((await a.call('GET', '/api/v1/consents/eligible?purpose=email_marketing')).json().count).toBe(0);

    const records = await a.call('GET', `/api/v1/people/${person.id}/consent-records`);
    const record = records.json().items.find((r: { purpose: string }) => r.purpose === 'email_marketing');
    expect(record).toMatchObject({ state: 'withdrawn', validNow: false });
    expect(record.events.map((e: { state: string }) => e.state)).toEqual(['given', 'withdrawn']);
    const audit = await ctx().t.db.kysely.selectFrom('audit_log').selectAll().where('action', 'in', ['consent.given', 'consent.withdrawn']).execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toMatch(/IdaBrowser|203\.0\.113|ida@/);
  });

  it('the expiry job marks lapsed consents expired, once', async () => {
    const person = await a.person({ email: 'lapse@example.org' });
    const notice = await a.publishedNotice('email_marketing');
    await a.call('POST', '/api/v1/consents', { personId: person.id, purpose: 'email_marketing', state: 'given', method: 'api', noticeVersionId: notice.id, validFor: 'P1D' });
    const deps = { db: ctx().t.db, clock: ctx().clock, consent: ctx().services.consent };
    expect(await expireConsents(deps)).toBe(0);
    ctx().clock.advance(2 * 86_400_000);
    try {
      expect(await expireConsents(deps)).toBeGreaterThanOrEqual(1);
      expect(await expireConsents(deps)).toBe(0);
      const records = await a.call('GET', `/api/v1/people/${person.id}/consent-records`);
      const events = records.json().items[0].events;
      expect(events.map((e: { state: string }) => e.state)).toEqual(['given', 'expired']);
      expect(events[1]).toMatchObject({ method: 'system', recordedBy: { type: 'system', id: 'consent-expiry' } });
    } finally {
      ctx().clock.set('2026-03-02T10:00:00.000Z');
    }
  });

  it('signs receipts that verify, and refuses tampered ones', async () => {
    const person = await a.person({ email: 'rec@example.org' });
    const notice = await a.publishedNotice('email_marketing');
    const given = await a.call('POST', '/api/v1/consents', { personId: person.id, purpose: 'email_marketing', state: 'given', method: 'api', noticeVersionId: notice.id });
    const receipt = await a.call('GET', `/api/v1/consents/events/${given.json().id}/receipt`);
    expect(receipt.statusCode).toBe(200);
    const { jws, claims } = receipt.json();
    expect(claims).toMatchObject({ version: 'KI-CR-v1.1.0', consentReceiptID: given.json().id, piiPrincipalId: person.pseudonym, collectionMethod: 'api' });
    expect(claims.consentRecord).toMatchObject({ state: 'given', noticeVersionId: notice.id, noticeDigest: notice.digest });
    expect(jws).not.toContain(Buffer.from('rec@example.org').toString('base64url').slice(0, 12));

    const ok = await ctx().app.inject({ method: 'POST', url: '/api/v1/public/receipts/verify', payload: { jws } });
    expect(ok.json()).toMatchObject({ valid: true });
    const [h, p, s] = jws.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, collectionMethod: 'widget' })).toString('base64url');
    const bad = await ctx().app.inject({ method: 'POST', url: '/api/v1/public/receipts/verify', payload: { jws: `${h}.${forged}.${s}` } });
    expect(bad.json()).toEqual({ valid: false, reason: 'the signature does not verify' });
    expect((await ctx().app.inject({ method: 'POST', url: '/api/v1/public/receipts/verify', payload: { jws: 'not-a-jws' } })).json().valid).toBe(false);
    expect(p).toBeDefined();
    const keys = await ctx().app.inject({ method: 'GET', url: `/api/v1/public/receipt-keys/${ctx().workspaceId}` });
    expect(keys.json().keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(JSON.stringify(keys.json())).not.toContain('"d"');
  });

  it('GPC: serves the support document and records the opt-out for the flagged purposes', async () => {
    const doc = await ctx().app.inject({ method: 'GET', url: '/.well-known/gpc.json' });
    expect(doc.json()).toMatchObject({ gpc: true });
    const person = await a.person({ email: 'gpc@example.org' });
    const outcomes = await ctx().services.gpc.apply(ctx().t.db.kysely, { workspaceId: ctx().workspaceId, actor: { type: 'system', id: 'test' } }, person.id, {});
    expect(outcomes).toEqual([{ purpose: 'email_marketing', result: 'refused' }]);
    const again = await ctx().services.gpc.apply(ctx().t.db.kysely, { workspaceId: ctx().workspaceId, actor: { type: 'system', id: 'test' } }, person.id, {});
    expect(again).toEqual([{ purpose: 'email_marketing', result: 'unchanged' }]);
    const records = await a.call('GET', `/api/v1/people/${person.id}/consent-records`);
    expect(records.json().items[0].events[0]).toMatchObject({ state: 'refused', method: 'gpc_signal', evidence: { gpc: true } });
  });

  it('exports evidence as JSON and a printable page, and counts consents for analytics', async () => {
    const person = await a.person({ email: 'ev@example.org' });
    const notice = await a.publishedNotice('email_marketing');
    await a.call('POST', '/api/v1/consents', { personId: person.id, purpose: 'email_marketing', state: 'given', method: 'hosted_form', noticeVersionId: notice.id, evidence: { formId: 'form-1', formVersion: 2 } });
    const json = await a.call('GET', `/api/v1/consents/evidence?personId=${person.id}`);
    expect(json.statusCode).toBe(200);
    expect(json.json().records[0]).toMatchObject({ subjectPseudonym: person.pseudonym, purpose: 'email_marketing' });
    expect(json.json().records[0].events[0].receipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const html = await a.call('GET', '/api/v1/consents/evidence?formId=form-1&format=html');
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain(person.pseudonym);
    expect(html.body).not.toContain('ev@example.org');
    expect((await a.call('GET', '/api/v1/consents/evidence')).statusCode).toBe(400);

    const stats = await a.call('GET', '/api/v1/consents/analytics?days=30');
    const marketing = stats.json().purposes.find((p: { purpose: string }) => p.purpose === 'email_marketing');
    expect(marketing.valid).toBeGreaterThanOrEqual(1);
    expect(marketing.rate).toBeGreaterThan(0);
    expect(stats.json().forms).toContainEqual({ formId: 'form-1', given: 1, requested: 0, withdrawn: 0, daily: [{ day: '2026-03-02', given: 1, withdrawn: 0 }] });
  });

  it('refuses bad consent input and records nothing', async () => {
    const person = await a.person({ email: 'bad@example.org' });
    const crmNotice = await a.publishedNotice('crm');
    const count = async () => (await ctx().t.db.kysely.selectFrom('consent_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = Number(await count());
    const base = { personId: person.id, purpose: 'email_marketing', method: 'staff_recorded' };
    const cases: [Record<string, unknown>, number, string?][] = [
      [{ ...base, state: 'maybe' }, 400],
      [{ ...base, state: 'given', jurisdiction: 'Europe' }, 400],
      [{ ...base, state: 'given', validFor: 'one year' }, 400],
      [{ ...base, state: 'given', method: 'api', noticeVersionId: crmNotice.id }, 400],
      [{ ...base, purpose: 'crm', state: 'given' }, 400],
      [{ ...base, purpose: 'nope', state: 'given' }, 400, 'PURPOSE_UNKNOWN'],
      [{ ...base, personId: '00000000-0000-4000-8000-000000000000', state: 'given' }, 404],
      [{ ...base, state: 'given', extra: 1 }, 400],
    ];
    for (const [body, status, code] of cases) {
      const res = await a.call('POST', '/api/v1/consents', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (code) expect(res.json().code).toBe(code);
    }
    const erased = await a.person({ email: 'gone@example.org' });
    await a.call('DELETE', `/api/v1/people/${erased.id}`);
    expect((await a.call('POST', '/api/v1/consents', { ...base, personId: erased.id, state: 'given' })).statusCode).toBe(410);
    expect(Number(await count())).toBe(before);
    // The sales role may not record consent.
    expect((await a.call('POST', '/api/v1/consents', { ...base, state: 'given' }, ctx().as.sales)).statusCode).toBe(403);
  });
});
