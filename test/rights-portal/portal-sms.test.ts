import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useChannelsTestApp, type ChannelsTestApp } from '../consent-channels/channels-test-app.ts';
import { auditEntries, submitRequest, verifyCode } from './portal-test-app.ts';
import { checkSmsGatewayUrl } from '../../src/sms/sms-settings.ts';

interface Text {
  readonly authorization: string | undefined;
  readonly to: string;
  readonly from: string;
  readonly body: string;
}

/** A real HTTP SMS gateway on loopback: records what it is sent, answers with the status the test sets (or never). */
function useGateway() {
  const texts: Text[] = [];
  const state = { status: 200, hang: false, url: '' };
  let server: http.Server | undefined;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        if (state.hang) return; // never answers: the sender's timeout must end it
        if (state.status >= 200 && state.status < 300) {
          const parsed = JSON.parse(body) as { to: string; from: string; body: string };
          texts.push({ authorization: req.headers.authorization, ...parsed });
        }
        res.statusCode = state.status;
        res.setHeader('content-type', 'application/json');
        res.end('{"id":"msg-1"}');
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return { texts, state };
}

const textsTo = (texts: Text[], to: string) => texts.filter((t) => t.to === to);

async function waitForTexts(texts: Text[], to: string, count: number): Promise<Text[]> {
  for (let i = 0; i < 500; i++) {
    if (textsTo(texts, to).length >= count) return textsTo(texts, to);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`expected ${count} text(s) to the number, got ${textsTo(texts, to).length}`);
}

function codeInText(text: Text): string {
  const match = text.body.match(/: (\d{6}) \(/);
  if (!match?.[1]) throw new Error('no code in the text');
  return match[1];
}

function settingsApi(c: ChannelsTestApp, method: 'GET' | 'PUT' | 'DELETE' | 'POST', payload?: object, headers: Record<string, string> = {}) {
  return c.app.inject({
    method,
    url: method === 'POST' ? '/api/v1/settings/sms/test' : '/api/v1/settings/sms',
    headers: { ...c.as.owner, ...headers },
    ...(payload ? { payload } : {}),
  });
}

async function requestOf(c: ChannelsTestApp, verification: string) {
  return c.t.db.kysely
    .selectFrom('requests')
    .innerJoin('portal_verifications', 'portal_verifications.request_id', 'requests.id')
    .select(['requests.id', 'requests.status', 'requests.identity_method', 'requests.person_id', 'requests.requester_email', 'portal_verifications.channel'])
    .where('portal_verifications.id', '=', verification)
    .executeTakeFirstOrThrow();
}

describe('SMS gateway URL rule', () => {
  it('refuses http in production only, and credentials or non-http schemes everywhere', () => {
    expect(() => checkSmsGatewayUrl('http://sms.example.test/send', 'production')).toThrow('https in production');
    expect(checkSmsGatewayUrl('http://sms.example.test/send', 'development')).toBe('http://sms.example.test/send');
    expect(checkSmsGatewayUrl('https://sms.example.test/send', 'production')).toBe('https://sms.example.test/send');
    expect(() => checkSmsGatewayUrl('https://u:p@sms.example.test/send', 'test')).toThrow('credentials');
    expect(() => checkSmsGatewayUrl('ftp://sms.example.test/send', 'test')).toThrow('https');
  });
});

describe.each(testDialects)('privacy portal: phone verification through an SMS gateway on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);
  const gateway = useGateway();
  const knownPhone = '+447700900111';

  it('does not offer the phone before SMS is configured, and refuses "text me a code" with a clear form error', async () => {
    const c = ctx();
    const form = await c.app.inject({ method: 'GET', url: `/privacy/${c.workspaceId}` });
    expect(form.statusCode).toBe(200);
    expect(form.body).not.toContain('name="phone"');
    expect(form.body).toContain('name="email" type="email" required');
    const json = await submitRequest(c, { channel: 'sms', phone: knownPhone }, { ip: '198.51.100.40' });
    expect(json.statusCode).toBe(400);
    expect(json.headers['content-type']).toContain('application/problem+json');
    expect(json.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: expect.arrayContaining([{ path: '/channel', message: 'text messages are not available' }]) });
    const page = await c.app.inject({
      method: 'POST',
      url: `/privacy/${c.workspaceId}`,
      remoteAddress: '198.51.100.40',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `type=access&language=en&channel=sms&phone=${encodeURIComponent(knownPhone)}`,
    });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('We cannot send text messages');
    expect(page.body).not.toContain('7700');
    expect(await c.t.db.kysely.selectFrom('requests').select('id').execute()).toHaveLength(0);
  });

  it('validates the settings with problem documents naming the field, and stores nothing', async () => {
    const c = ctx();
    for (const [body, path] of [
      [{ url: 'not a url', sender: 'Acme' }, '/url'],
      [{ url: 'ftp://sms.example.test/x', sender: 'Acme' }, '/url'],
      [{ url: 'https://user:pw@sms.example.test/x', sender: 'Acme' }, '/url'],
      [{ url: gateway.state.url, sender: 'A sender name that is far too long' }, '/sender'],
      [{ url: gateway.state.url, sender: 'Acme', token: 'has spaces in it' }, '/token'],
      [{ url: gateway.state.url, sender: 'Acme', timeoutMs: 50 }, '/timeoutMs'],
    ] as const) {
      const res = await settingsApi(c, 'PUT', body, { 'if-match': '"0"' });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((res.json() as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
    }
    expect((await settingsApi(c, 'GET')).json()).toEqual({ settings: null });
    // A test send without settings: not found.
    expect((await settingsApi(c, 'POST', { to: knownPhone })).statusCode).toBe(404);
  });

  it('saves the settings with a write-only token, and a test send reaches the gateway with the bearer token', async () => {
    const c = ctx();
    const saved = await settingsApi(c, 'PUT', { url: gateway.state.url, sender: 'Acme', token: 'tok_secret_123', timeoutMs: 2000 }, { 'if-match': '"0"' });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ url: gateway.state.url, sender: 'Acme', tokenSet: true, timeoutMs: 2000, version: 1 });
    expect(saved.body).not.toContain('tok_secret_123');
    const stored = await c.t.db.kysely.selectFrom('sms_settings').select('token').executeTakeFirstOrThrow();
    expect(Buffer.from(stored.token!).toString('latin1')).not.toContain('tok_secret_123');
    // Stale If-Match refused.
    expect((await settingsApi(c, 'PUT', { url: gateway.state.url, sender: 'Acme' }, { 'if-match': '"0"' })).statusCode).toBe(412);
    const bad = await settingsApi(c, 'POST', { to: 'call me maybe' });
    expect(bad.statusCode).toBe(400);
    const test = await settingsApi(c, 'POST', { to: '+44 7700 900999' });
    expect(test.statusCode).toBe(200);
    const [text] = textsTo(gateway.texts, '+447700900999');
    expect(text).toMatchObject({ authorization: 'Bearer tok_secret_123', from: 'Acme' });
    const audit = await auditEntries(c, 'sms_settings.update');
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('tok_secret_123');
    // A gateway refusing, or not answering within the timeout: 502 with the reason class only.
    gateway.state.status = 503;
    const refused = await settingsApi(c, 'POST', { to: '+447700900999' });
    expect(refused.statusCode).toBe(502);
    expect(refused.json()).toMatchObject({ code: 'SMS_SEND_FAILED', reason: 'status_503' });
    gateway.state.status = 200;
    gateway.state.hang = true;
    const slow = await settingsApi(c, 'POST', { to: '+447700900999' });
    gateway.state.hang = false;
    expect(slow.json()).toMatchObject({ code: 'SMS_SEND_FAILED', reason: 'timeout' });
    expect(slow.body).not.toContain('7700');
  });

  it('answers a known and an unknown number the same way, one text to each, and matches the known one by phone', async () => {
    const c = ctx();
    const owner = { ...c.system, purpose: 'crm', role: { purposes: ['*'], dataCategories: ['*'] } };
    const person = await c.services.people.create(owner, { firstName: 'Known', lastName: 'Texter', phone: knownPhone });
    const unknownPhone = '+447700900222';
    const mailsBefore = c.mail.messages.length;
    const form = await c.app.inject({ method: 'GET', url: `/privacy/${c.workspaceId}` });
    expect(form.body).toContain('name="phone"');
    expect(form.body).toContain('value="sms"');
    const known = await submitRequest(c, { channel: 'sms', phone: '+44 7700 900111' }, { ip: '198.51.100.41' });
    const stranger = await submitRequest(c, { channel: 'sms', phone: unknownPhone }, { ip: '198.51.100.42' });
    expect(known.statusCode).toBe(202);
    expect(stranger.statusCode).toBe(202);
    const shape = (body: string) => body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
    expect(shape(known.body)).toBe(shape(stranger.body));
    expect(Object.keys(known.headers).sort()).toEqual(Object.keys(stranger.headers).sort());
    const [toKnown] = await waitForTexts(gateway.texts, knownPhone, 1);
    await waitForTexts(gateway.texts, unknownPhone, 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(textsTo(gateway.texts, knownPhone)).toHaveLength(1);
    expect(textsTo(gateway.texts, unknownPhone)).toHaveLength(1);
    expect(c.mail.messages.length).toBe(mailsBefore);
    // The outbox keeps neither the number nor the code once sent.
    const rows = await c.t.db.kysely.selectFrom('portal_sms_outbox').select(['payload', 'sent_at']).execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ payload: null, sent_at: expect.any(String) });
    // HTML pages identical too.
    const page = (phone: string, ip: string) =>
      c.app.inject({
        method: 'POST',
        url: `/privacy/${c.workspaceId}`,
        remoteAddress: ip,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `type=access&language=en&channel=sms&phone=${encodeURIComponent(phone)}`,
      });
    const a = await page(knownPhone, '198.51.100.43');
    const b = await page(unknownPhone, '198.51.100.44');
    expect(a.statusCode).toBe(200);
    expect(shape(a.body)).toBe(shape(b.body));
    expect(a.body).toContain('Check your phone');
    expect(a.body).not.toContain('7700');
    // Matching went through the phone blind index: the known number's request is linked, the unknown one not.
    const { verification } = known.json() as { verification: string };
    const knownRequest = await requestOf(c, verification);
    expect(knownRequest).toMatchObject({ person_id: person.id, channel: 'sms', requester_email: null, status: 'identity_unverified' });
    const strangerRequest = await requestOf(c, (stranger.json() as { verification: string }).verification);
    expect(strangerRequest.person_id).toBeNull();
    // The texted code verifies (phone_code), and the status page opens.
    expect(toKnown!.body).toMatch(/your code for privacy request [A-Z0-9-]+: \d{6} \(valid 30 min\)/);
    const res = await verifyCode(c, verification, codeInText(toKnown!), { ip: '198.51.100.41' });
    expect(res.statusCode).toBe(200);
    const { statusUrl } = res.json() as { statusUrl: string };
    expect(await requestOf(c, verification)).toMatchObject({ status: 'verified', identity_method: 'phone_code' });
    const status = await c.app.inject({ method: 'GET', url: statusUrl });
    expect(status.statusCode).toBe(200);
    expect(status.body).not.toContain('7700');
    // No status email (no address held), no audit entry with the number.
    await new Promise((r) => setTimeout(r, 50));
    expect(c.mail.messages.length).toBe(mailsBefore);
    const audit = await c.t.db.kysely.selectFrom('audit_log').select('details').where('workspace_id', '=', c.workspaceId).execute();
    expect(JSON.stringify(audit)).not.toContain('900111');
    expect(JSON.stringify(audit)).not.toContain('900222');
  });

  it('counts wrong codes: the fifth kills the verification and the right code no longer works', async () => {
    const c = ctx();
    const phone = '+447700900333';
    const { verification } = (await submitRequest(c, { channel: 'sms', phone }, { ip: '198.51.100.45' })).json() as { verification: string };
    const [text] = await waitForTexts(gateway.texts, phone, 1);
    const right = codeInText(text!);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const res = await verifyCode(c, verification, wrong, { ip: '198.51.100.45' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'PORTAL_VERIFICATION_FAILED' });
    }
    expect((await verifyCode(c, verification, right, { ip: '198.51.100.45' })).statusCode).toBe(400);
    expect(await requestOf(c, verification)).toMatchObject({ status: 'identity_unverified' });
  });

  it('works as HTML forms without script: check your phone, a wrong code keeps the phone page, the right one verifies', async () => {
    const c = ctx();
    const phone = '+447700900777';
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const submitted = await c.app.inject({
      method: 'POST',
      url: `/privacy/${c.workspaceId}`,
      remoteAddress: '198.51.100.49',
      headers: form,
      payload: `type=erasure&language=de&channel=sms&phone=${encodeURIComponent('0044 7700 900777')}&email=`,
    });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.body).toContain('Sehen Sie auf Ihr Telefon');
    expect(submitted.body).toContain('<input type="hidden" name="channel" value="sms">');
    const verification = submitted.body.match(/name="verification" value="([0-9a-f-]{36})"/)?.[1];
    expect(verification).toBeDefined();
    const [text] = await waitForTexts(gateway.texts, phone, 1);
    expect(text!.body).toContain('Ihr Code');
    const right = codeInText(text!);
    const post = (code: string) =>
      c.app.inject({
        method: 'POST',
        url: `/privacy/${c.workspaceId}/verify`,
        remoteAddress: '198.51.100.49',
        headers: form,
        payload: `verification=${verification}&language=de&channel=sms&code=${code}`,
      });
    const wrong = await post(right === '000000' ? '111111' : '000000');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Sehen Sie auf Ihr Telefon');
    expect(wrong.body).toContain('Prüfen Sie unsere letzte SMS');
    const ok = await post(right);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Bewahren Sie diesen Link auf');
    expect(ok.body).toMatch(/href="\/privacy\/[A-Za-z0-9_-]+\/status\/[A-Za-z0-9_.-]+"/);
  });

  it('refuses an invalid number with the same form error as a bad email', async () => {
    const c = ctx();
    const post = (payload: string) =>
      c.app.inject({
        method: 'POST',
        url: `/privacy/${c.workspaceId}`,
        remoteAddress: '198.51.100.46',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload,
      });
    const badPhone = await post('type=access&language=en&channel=sms&phone=12');
    const badEmail = await post('type=access&language=en&channel=email&email=not-an-email');
    expect(badPhone.statusCode).toBe(400);
    expect(badEmail.statusCode).toBe(400);
    const error = (body: string) => body.match(/<p class="error" role="alert">([^<]*)<\/p>/)?.[1];
    expect(error(badPhone.body)).toBe('Please check the form: something is missing or not valid.');
    expect(error(badPhone.body)).toBe(error(badEmail.body));
    const json = await submitRequest(c, { channel: 'sms', phone: 'abc' }, { ip: '198.51.100.46' });
    expect(json.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: '/phone' }] });
  });

  it('retries through the outbox when the gateway is down, then the code arrives and verifies', async () => {
    const c = ctx();
    const phone = '+447700900444';
    gateway.state.status = 503;
    const submitted = await submitRequest(c, { channel: 'sms', phone }, { ip: '198.51.100.47' });
    expect(submitted.statusCode).toBe(202);
    const { verification } = submitted.json() as { verification: string };
    const row = () =>
      c.t.db.kysely
        .selectFrom('portal_sms_outbox')
        .innerJoin('portal_verifications', 'portal_verifications.request_id', 'portal_sms_outbox.request_id')
        .select(['portal_sms_outbox.attempts', 'portal_sms_outbox.sent_at', 'portal_sms_outbox.payload'])
        .where('portal_verifications.id', '=', verification)
        .executeTakeFirstOrThrow();
    for (let i = 0; i < 200 && (await row()).attempts < 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await row()).toMatchObject({ attempts: 1, sent_at: null });
    expect((await row()).payload).not.toBeNull();
    const activity = async () =>
      (await c.app.inject({ method: 'GET', url: '/api/v1/privacy-portal', headers: c.as.privacy_officer })).json() as {
        textsPending: number;
        textsFailed: number;
      };
    expect((await activity()).textsPending).toBe(1);
    // Within the claim the job leaves it alone; after it, the job's drain sends it once the gateway is back.
    expect(await c.services.privacyPortal.drainOutbox(50)).toBe(0);
    gateway.state.status = 200;
    c.clock.advance(61_000);
    expect(await c.services.privacyPortal.drainOutbox(50)).toBeGreaterThanOrEqual(1);
    const [text] = await waitForTexts(gateway.texts, phone, 1);
    expect(await row()).toMatchObject({ attempts: 2, sent_at: expect.any(String), payload: null });
    expect((await activity()).textsPending).toBe(0);
    const res = await verifyCode(c, verification, codeInText(text!), { ip: '198.51.100.47' });
    expect(res.statusCode).toBe(200);
  });

  it('gives a text up once the code has expired, wiping it', async () => {
    const c = ctx();
    const phone = '+447700900555';
    gateway.state.status = 500;
    await submitRequest(c, { channel: 'sms', phone }, { ip: '198.51.100.48' });
    const pending = async () =>
      c.t.db.kysely.selectFrom('portal_sms_outbox').select(['id', 'attempts', 'failed_at', 'payload']).where('sent_at', 'is', null).where('failed_at', 'is', null).execute();
    for (let i = 0; i < 200 && (await pending()).every((r) => r.attempts < 1); i++) await new Promise((r) => setTimeout(r, 10));
    gateway.state.status = 200;
    c.clock.advance(31 * 60_000);
    await c.services.privacyPortal.drainOutbox(50);
    expect(await pending()).toHaveLength(0);
    expect(textsTo(gateway.texts, phone)).toHaveLength(0);
    const failed = await c.t.db.kysely.selectFrom('portal_sms_outbox').select(['payload']).where('failed_at', 'is not', null).execute();
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const f of failed) expect(f.payload).toBeNull();
    const activity = await c.app.inject({ method: 'GET', url: '/api/v1/privacy-portal?days=1', headers: c.as.privacy_officer });
    expect(activity.json()).toMatchObject({ textsPending: 0, textsFailed: 1 });
  });

  it('limits submissions per phone number (keyed hash bucket) with 429', async () => {
    const c = ctx();
    c.clock.advance(3_600_000); // a fresh window
    const phone = '+447700900666';
    for (let i = 0; i < 5; i++) expect((await submitRequest(c, { channel: 'sms', phone }, { ip: `198.51.100.${60 + i}` })).statusCode).toBe(202);
    const limited = await submitRequest(c, { channel: 'sms', phone: '+44 7700 900666' }, { ip: '198.51.100.70' });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const buckets = await c.t.db.kysely.selectFrom('portal_rate_counters').select('bucket').execute();
    expect(JSON.stringify(buckets)).not.toContain('900666');
    expect(buckets.some((b) => b.bucket.includes(':phone:'))).toBe(true);
  });
});
