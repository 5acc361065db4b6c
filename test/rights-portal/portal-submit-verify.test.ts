import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useChannelsTestApp } from '../consent-channels/channels-test-app.ts';
import {
  auditEntries,
  codeIn,
  mailsTo,
  portalFixture,
  portalLinkIn,
  requestCount,
  submitRequest,
  verifyCode,
  waitForMails,
} from './portal-test-app.ts';

describe.each(testDialects)('privacy portal: submission and identity verification on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('answers a known and an unknown email the same way, with one verification email to the address given each time', async () => {
    const c = ctx();
    const fixture = await portalFixture(c, 'known.person@example.org');
    const unknown = 'nobody.here@example.org';
    const known = await submitRequest(c, { email: fixture.knownEmail }, { ip: '198.51.100.1' });
    const stranger = await submitRequest(c, { email: unknown }, { ip: '198.51.100.2' });
    expect(known.statusCode).toBe(202);
    expect(stranger.statusCode).toBe(202);
    const shape = (body: string) =>
      body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
    expect(shape(known.body)).toBe(shape(stranger.body));
    expect(Object.keys(known.headers).sort()).toEqual(Object.keys(stranger.headers).sort());
    expect((await waitForMails(c, fixture.knownEmail, 1)).length).toBe(1);
    expect((await waitForMails(c, unknown, 1)).length).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(mailsTo(c, fixture.knownEmail)).toHaveLength(1);
    expect(mailsTo(c, unknown)).toHaveLength(1);
    // The HTML pages are identical too (the form's own hidden id aside).
    const page = async (email: string, ip: string) =>
      c.app.inject({
        method: 'POST',
        url: `/privacy/${c.workspaceId}`,
        remoteAddress: ip,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `type=access&language=en&email=${encodeURIComponent(email)}`,
      });
    const a = await page(fixture.knownEmail, '198.51.100.3');
    const b = await page(unknown, '198.51.100.4');
    expect(a.statusCode).toBe(200);
    expect(shape(a.body)).toBe(shape(b.body));
    expect(a.body).toContain('name="code"');
    expect(a.body).not.toContain(fixture.knownEmail);
  });

  it('verifies with the emailed code, emails a status link, and shows the status page', async () => {
    const c = ctx();
    const email = 'code.verify@example.org';
    const submitted = await submitRequest(
      c,
      { email, language: 'fr', type: 'erasure', message: 'Please erase me' },
      { ip: '198.51.100.11' },
    );
    const { verification } = submitted.json() as { verification: string };
    const [mail] = await waitForMails(c, email, 1);
    expect(mail!.text).toContain('Votre code');
    expect(mail!.text).toMatch(/\/verify\/[A-Za-z0-9_.-]+\?lang=fr/);
    const res = await verifyCode(c, verification, codeIn(mail!), { ip: '198.51.100.11' });
    expect(res.statusCode).toBe(200);
    const { statusUrl } = res.json() as { statusUrl: string };
    const [, second] = await waitForMails(c, email, 2);
    expect(portalLinkIn(second!, 'status').token).toBe(statusUrl.split('/').pop());
    const page = await c.app.inject({ method: 'GET', url: statusUrl });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).toContain('Identité confirmée');
    expect(page.body).not.toContain(email);
    const request = await c.t.db.kysely
      .selectFrom('requests')
      .innerJoin('portal_verifications', 'portal_verifications.request_id', 'requests.id')
      .select(['requests.status', 'requests.identity_method'])
      .where('portal_verifications.id', '=', verification)
      .executeTakeFirstOrThrow();
    expect(request).toMatchObject({ status: 'verified', identity_method: 'email_code' });
    // Used once: the same code again is refused.
    expect((await verifyCode(c, verification, codeIn(mail!), { ip: '198.51.100.11' })).statusCode).toBe(400);
  });

  it('verifies with the emailed link only through the confirm button (POST), once', async () => {
    const c = ctx();
    const email = 'link.verify@example.org';
    await submitRequest(c, { email }, { ip: '198.51.100.12' });
    const [mail] = await waitForMails(c, email, 1);
    const { workspaceId, token } = portalLinkIn(mail!, 'verify');
    const confirm = await c.app.inject({ method: 'GET', url: `/privacy/${workspaceId}/verify/${token}` });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain(`<form method="post" action="/privacy/${workspaceId}/verify/${token}">`);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const first = await c.app.inject({
      method: 'POST',
      url: `/privacy/${workspaceId}/verify/${token}`,
      headers: form,
      payload: '',
      remoteAddress: '198.51.100.12',
    });
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('/status/');
    const again = await c.app.inject({
      method: 'POST',
      url: `/privacy/${workspaceId}/verify/${token}`,
      headers: form,
      payload: '',
      remoteAddress: '198.51.100.12',
    });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('could not confirm');
  });

  it('refuses an expired code with the neutral answer, audited without personal data', async () => {
    const c = ctx();
    const email = 'late.person@example.org';
    const { verification } = (await submitRequest(c, { email }, { ip: '198.51.100.13' })).json() as {
      verification: string;
    };
    const [mail] = await waitForMails(c, email, 1);
    c.clock.advance(31 * 60_000);
    const res = await verifyCode(c, verification, codeIn(mail!), { ip: '198.51.100.13' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'PORTAL_VERIFICATION_FAILED' });
    const entries = await auditEntries(c, 'portal.verification_refused');
    const last = entries.at(-1)!;
    expect(JSON.parse(String(last.details))).toMatchObject({ via: 'code', reason: 'expired' });
    expect(JSON.stringify(entries)).not.toContain(email);
    const row = await c.t.db.kysely
      .selectFrom('requests')
      .select('status')
      .where('id', '=', String(last.resource_id))
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('identity_unverified');
  });

  it('shows the code form again after a wrong code typed in the page, and the right one then verifies', async () => {
    const c = ctx();
    const email = 'typo.person@example.org';
    const { verification } = (await submitRequest(c, { email }, { ip: '198.51.100.17' })).json() as {
      verification: string;
    };
    const [mail] = await waitForMails(c, email, 1);
    const right = codeIn(mail!);
    const wrong = right === '123456' ? '654321' : '123456';
    const post = (code: string) =>
      c.app.inject({
        method: 'POST',
        url: `/privacy/${c.workspaceId}/verify`,
        remoteAddress: '198.51.100.17',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `verification=${verification}&language=en&code=${code}`,
      });
    const retry = await post(wrong);
    expect(retry.statusCode).toBe(400);
    expect(retry.body).toContain('name="code"');
    expect(retry.body).toContain(`value="${verification}"`);
    expect(retry.body).toContain('role="alert"');
    const done = await post(right);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Follow my request');
  });

  it('kills the verification after five wrong codes: the right code no longer works', async () => {
    const c = ctx();
    const email = 'guesser.target@example.org';
    const { verification } = (await submitRequest(c, { email }, { ip: '198.51.100.14' })).json() as {
      verification: string;
    };
    const [mail] = await waitForMails(c, email, 1);
    const right = codeIn(mail!);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++)
      expect((await verifyCode(c, verification, wrong, { ip: '198.51.100.14' })).statusCode).toBe(400);
    const res = await verifyCode(c, verification, right, { ip: '198.51.100.14' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'PORTAL_VERIFICATION_FAILED' });
    const reasons = (await auditEntries(c, 'portal.verification_refused'))
      .slice(-6)
      .map((e) => (JSON.parse(String(e.details)) as { reason: string }).reason);
    expect(reasons).toEqual(['wrong_code', 'wrong_code', 'wrong_code', 'wrong_code', 'wrong_code', 'dead']);
  });

  it('gives a duplicate request its own verification: verifying one leaves the other unverified', async () => {
    const c = ctx();
    const email = 'twice.asked@example.org';
    const first = (await submitRequest(c, { email }, { ip: '198.51.100.15' })).json() as {
      verification: string;
    };
    const second = (await submitRequest(c, { email }, { ip: '198.51.100.15' })).json() as {
      verification: string;
    };
    expect(first.verification).not.toBe(second.verification);
    const [mailOne, mailTwo] = await waitForMails(c, email, 2);
    const codeOne = codeIn(mailOne!);
    // The first request's code does not open the second one.
    if (codeOne !== codeIn(mailTwo!))
      expect((await verifyCode(c, second.verification, codeOne, { ip: '198.51.100.15' })).statusCode).toBe(
        400,
      );
    expect((await verifyCode(c, first.verification, codeOne, { ip: '198.51.100.15' })).statusCode).toBe(200);
    const rows = await c.t.db.kysely
      .selectFrom('portal_verifications')
      .innerJoin('requests', 'requests.id', 'portal_verifications.request_id')
      .select(['portal_verifications.id as verification', 'requests.status'])
      .where('portal_verifications.id', 'in', [first.verification, second.verification])
      .execute();
    const status = Object.fromEntries(rows.map((r) => [r.verification, r.status]));
    expect(status[first.verification]).toBe('verified');
    expect(status[second.verification]).toBe('identity_unverified');
  });

  it("refuses another workspace's verification with the same neutral answer", async () => {
    const c = ctx();
    const other = await portalFixture(c, 'other.ws.person@example.org');
    const email = 'cross.workspace@example.org';
    const { verification } = (await submitRequest(c, { email }, { ip: '198.51.100.16' })).json() as {
      verification: string;
    };
    const [mail] = await waitForMails(c, email, 1);
    const res = await verifyCode(c, verification, codeIn(mail!), {
      ip: '198.51.100.16',
      workspaceId: other.otherWorkspaceId,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'PORTAL_VERIFICATION_FAILED' });
    const refused = (await auditEntries(c, 'portal.verification_refused', other.otherWorkspaceId)).at(-1)!;
    expect(JSON.parse(String(refused.details))).toMatchObject({ reason: 'other_workspace' });
    expect(refused.resource_id).toBeNull();
    // Still usable where it belongs.
    expect((await verifyCode(c, verification, codeIn(mail!), { ip: '198.51.100.16' })).statusCode).toBe(200);
  });

  it('refuses bad input with problem documents and stores nothing', async () => {
    const c = ctx();
    const before = (await requestCount(c)) + 1; // the one same-origin post below is stored
    const cases: Record<string, unknown>[] = [
      { email: 'not-an-email' },
      { email: 'ok@example.org', type: 'delete_everything' },
      { email: 'ok@example.org', purposes: ['no_such_purpose'] },
      { email: 'ok@example.org', type: 'rectification', rectifyField: 'lastName' },
      { email: 'ok@example.org', unexpected: 'field' },
      { email: 'x'.repeat(400) + '@example.org' },
      { email: 42 },
    ];
    for (const [i, body] of cases.entries()) {
      const res = await submitRequest(c, body, { ip: `198.51.100.${100 + i}` });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(res.body).not.toContain('not-an-email');
    }
    const big = await submitRequest(
      c,
      { email: 'ok@example.org', message: 'y'.repeat(20_000) },
      { ip: '198.51.100.120' },
    );
    expect(big.statusCode).toBe(413);
    const unknownWorkspace = await submitRequest(
      c,
      { email: 'ok@example.org' },
      { ip: '198.51.100.121', workspaceId: 'no-such-workspace' },
    );
    expect(unknownWorkspace.statusCode).toBe(404);
    const crossSite = await submitRequest(
      c,
      { email: 'ok@example.org' },
      { ip: '198.51.100.122', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } },
    );
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json()).toMatchObject({ code: 'CSRF_FAILED' });
    const foreignOrigin = await submitRequest(
      c,
      { email: 'ok@example.org' },
      { ip: '198.51.100.124', headers: { origin: 'https://evil.example' } },
    );
    expect(foreignOrigin.statusCode).toBe(403);
    // A same-origin post under `Referrer-Policy: no-referrer` carries `Origin: null`: accepted.
    const sameOrigin = await submitRequest(
      c,
      { email: 'same.origin@example.org' },
      { ip: '198.51.100.125', headers: { origin: 'null', 'sec-fetch-site': 'same-origin' } },
    );
    expect(sameOrigin.statusCode).toBe(202);
    // The HTML form gets its page back with the error, without echoing the address.
    const form = await c.app.inject({
      method: 'POST',
      url: `/privacy/${c.workspaceId}`,
      remoteAddress: '198.51.100.123',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'type=access&email=broken-address',
    });
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain('role="alert"');
    expect(form.body).not.toContain('broken-address');
    expect(await requestCount(c)).toBe(before);
  });

  it('serves the request form per workspace without script, in the chosen language', async () => {
    const c = ctx();
    const res = await c.app.inject({ method: 'GET', url: `/privacy/${c.workspaceId}?lang=de` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="de">');
    expect(res.body).not.toContain('<script');
    expect(res.body).toContain('name="purposes" value="email_marketing"');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect((await c.app.inject({ method: 'GET', url: '/privacy/no-such-workspace' })).statusCode).toBe(404);
  });
});
