import { describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/identity/totp.ts';
import { ownerEmail, ownerPassword, useTestApp } from '../support/test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { auditOf, insertUser, sessionCookieOf, signInAs, withSession, type TestSession } from './identity-helpers.ts';

const password = 'amber quartz meadow 5521';
const step = 30_000;

describe.each(testDialects)('TOTP MFA on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  const db = () => ctx().t.db.kysely;
  const app = () => ctx().app;

  async function enrolled(email: string): Promise<{ secret: string; recoveryCodes: string[]; session: TestSession; userId: string }> {
    const userId = await insertUser(db(), { workspaceId: ctx().workspaceId, email, password, roleKey: 'sales' });
    const session = await signInAs(app(), email, password);
    const enrol = await app().inject({ method: 'POST', url: '/api/v1/users/me/mfa/enrol', headers: withSession(session) });
    expect(enrol.statusCode, enrol.body).toBe(200);
    const { secret } = enrol.json();
    const confirm = await app().inject({
      method: 'POST',
      url: '/api/v1/users/me/mfa/confirm',
      headers: withSession(session),
      payload: { code: totpCodeAt(secret, ctx().clock.now()) },
    });
    expect(confirm.statusCode, confirm.body).toBe(200);
    return { secret, recoveryCodes: confirm.json().recoveryCodes, session, userId };
  }

  async function passwordStep(email: string): Promise<{ cookie: string }> {
    const res = await app().inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'mfa-required' });
    return sessionCookieOf(res);
  }

  const mfa = (cookie: string, code: string) =>
    app().inject({ method: 'POST', url: '/api/v1/auth/mfa', headers: { cookie }, payload: { code } });

  it('enrols with an otpauth URL and an SVG QR code, seals the secret at rest, and confirms with a current code', async () => {
    const userId = await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'enrol@example.test', password, roleKey: 'sales' });
    const s = await signInAs(app(), 'enrol@example.test', password);
    const enrol = await app().inject({ method: 'POST', url: '/api/v1/users/me/mfa/enrol', headers: withSession(s) });
    const body = enrol.json();
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Custodian:enrol%40example\.test\?secret=[A-Z2-7]+&period=30&digits=6&algorithm=SHA1&issuer=Custodian$/);
    expect(body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const row = await db().selectFrom('users').select(['mfa_secret', 'mfa_enabled']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(row.mfa_enabled).toBe(0);
    expect(row.mfa_secret).toMatch(/^v1\./);
    expect(row.mfa_secret).not.toContain(body.secret);

    const wrong = await app().inject({ method: 'POST', url: '/api/v1/users/me/mfa/confirm', headers: withSession(s), payload: { code: '000000' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('MFA_INVALID');
    const ok = await app().inject({
      method: 'POST',
      url: '/api/v1/users/me/mfa/confirm',
      headers: withSession(s),
      payload: { code: totpCodeAt(body.secret, ctx().clock.now()) },
    });
    expect(ok.statusCode).toBe(200);
    const codes: string[] = ok.json().recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    const stored = await db().selectFrom('mfa_recovery_codes').select('code_hash').where('user_id', '=', userId).execute();
    expect(stored).toHaveLength(10);
    for (const c of codes) expect(JSON.stringify(stored)).not.toContain(c.replace(/-/g, ''));
    expect((await auditOf(db(), 'mfa.enrol')).length).toBe(1);
    expect((await auditOf(db(), 'mfa.confirm')).map((e) => e.outcome)).toEqual(['failed', 'allowed']);
  });

  it('asks for the TOTP step after the password; the pending session grants nothing; the code gives a NEW session', async () => {
    const { secret } = await enrolled('two-step@example.test');
    const pending = await passwordStep('two-step@example.test');
    expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: pending.cookie } })).statusCode).toBe(401);
    expect((await app().inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: pending.cookie } })).json()).toEqual({ authenticated: false });
    ctx().clock.advance(step);
    const res = await mfa(pending.cookie, totpCodeAt(secret, ctx().clock.now()));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'signed-in', user: { email: 'two-step@example.test', mfaEnabled: true } });
    const full = sessionCookieOf(res);
    expect(full.secret).not.toBe(pending.cookie.split('=')[1]);
    expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: full.cookie } })).statusCode).toBe(200);
    // The pending session is spent.
    ctx().clock.advance(step);
    expect((await mfa(pending.cookie, totpCodeAt(secret, ctx().clock.now()))).json().code).toBe('SESSION_EXPIRED');
  });

  it('refuses a code that was already used, accepts the previous step, refuses two steps back', async () => {
    const { secret } = await enrolled('replay@example.test');
    ctx().clock.advance(step);
    const code = totpCodeAt(secret, ctx().clock.now());
    const first = await passwordStep('replay@example.test');
    expect((await mfa(first.cookie, code)).statusCode).toBe(200);
    const second = await passwordStep('replay@example.test');
    const replay = await mfa(second.cookie, code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('MFA_INVALID');

    ctx().clock.advance(3 * step);
    const third = await passwordStep('replay@example.test');
    expect((await mfa(third.cookie, totpCodeAt(secret, new Date(ctx().clock.now().getTime() - 2 * step)))).statusCode).toBe(401);
    expect((await mfa(third.cookie, totpCodeAt(secret, new Date(ctx().clock.now().getTime() - step)))).statusCode).toBe(200);
    const failed = (await auditOf(db(), 'auth.mfa')).filter((e) => e.outcome === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(2);
  });

  it('accepts each recovery code once', async () => {
    const { recoveryCodes } = await enrolled('recovery@example.test');
    const a = await passwordStep('recovery@example.test');
    expect((await mfa(a.cookie, recoveryCodes[0]!.toLowerCase())).statusCode).toBe(200);
    const b = await passwordStep('recovery@example.test');
    expect((await mfa(b.cookie, recoveryCodes[0]!)).statusCode).toBe(401);
    expect((await mfa(b.cookie, recoveryCodes[1]!)).statusCode).toBe(200);
  });

  it('locks the TOTP step after 5 wrong codes with 429 and Retry-After', async () => {
    const { secret } = await enrolled('guess@example.test');
    const pending = await passwordStep('guess@example.test');
    for (let i = 0; i < 5; i++) expect((await mfa(pending.cookie, String(100000 + i))).statusCode).toBe(401);
    ctx().clock.advance(step);
    const locked = await mfa(pending.cookie, totpCodeAt(secret, ctx().clock.now()));
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('enforces require_mfa per role, and refuses to disable MFA while the role requires it', async () => {
    const owner = await signInAs(app(), ownerEmail, ownerPassword);
    const roles = (await app().inject({ method: 'GET', url: '/api/v1/roles', headers: { cookie: owner.cookie } })).json().items;
    const support = roles.find((r: { key: string }) => r.key === 'support');
    const patch = await app().inject({ method: 'PATCH', url: `/api/v1/roles/${support.id}`, headers: withSession(owner), payload: { requireMfa: true } });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json().requireMfa).toBe(true);

    await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'support@example.test', password, roleKey: 'support' });
    const s = await signInAs(app(), 'support@example.test', password);
    const session = await app().inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: s.cookie } });
    expect(session.json().mfaEnrolmentRequired).toBe(true);
    // Any plain GET route needing a permission the support role holds.
    const route = app().routeAccessTable.find(
      (r) => r.method === 'GET' && !r.url.includes(':') && support.permissions.includes(r.access),
    );
    expect(route).toBeDefined();
    const refused = await app().inject({ method: 'GET', url: route!.url, headers: { cookie: s.cookie } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('MFA_ENROLMENT_REQUIRED');
    // Enrolment itself stays reachable.
    const enrol = await app().inject({ method: 'POST', url: '/api/v1/users/me/mfa/enrol', headers: withSession(s) });
    expect(enrol.statusCode).toBe(200);
    ctx().clock.advance(step);
    await app().inject({
      method: 'POST',
      url: '/api/v1/users/me/mfa/confirm',
      headers: withSession(s),
      payload: { code: totpCodeAt(enrol.json().secret, ctx().clock.now()) },
    });
    expect((await app().inject({ method: 'GET', url: route!.url, headers: { cookie: s.cookie } })).statusCode).toBe(200);
    ctx().clock.advance(step);
    const disable = await app().inject({
      method: 'POST',
      url: '/api/v1/users/me/mfa/disable',
      headers: withSession(s),
      payload: { password, code: totpCodeAt(enrol.json().secret, ctx().clock.now()) },
    });
    expect(disable.statusCode).toBe(403);
    expect(disable.json().code).toBe('FORBIDDEN');
  });

  it('disables MFA with the password and a code, after which sign-in is one step again', async () => {
    const { secret, session } = await enrolled('off@example.test');
    ctx().clock.advance(step);
    const badPassword = await app().inject({
      method: 'POST',
      url: '/api/v1/users/me/mfa/disable',
      headers: withSession(session),
      payload: { password: 'not my password at all', code: totpCodeAt(secret, ctx().clock.now()) },
    });
    expect(badPassword.statusCode).toBe(401);
    const ok = await app().inject({
      method: 'POST',
      url: '/api/v1/users/me/mfa/disable',
      headers: withSession(session),
      payload: { password, code: totpCodeAt(secret, ctx().clock.now()) },
    });
    expect(ok.statusCode, ok.body).toBe(204);
    await signInAs(app(), 'off@example.test', password);
    expect((await auditOf(db(), 'mfa.disable')).map((e) => e.outcome)).toContain('allowed');
  });

  it('answers bad MFA input with 4xx problem documents and changes nothing', async () => {
    const s = await signInAs(app(), ownerEmail, ownerPassword);
    const before = await db().selectFrom('users').selectAll().orderBy('id').execute();
    for (const [url, payload] of [
      ['/api/v1/users/me/mfa/confirm', {}],
      ['/api/v1/users/me/mfa/confirm', { code: { a: 1 } }],
      ['/api/v1/users/me/mfa/confirm', { code: '123456', extra: 1 }],
      ['/api/v1/users/me/mfa/confirm', { code: 'x'.repeat(100) }],
      ['/api/v1/users/me/mfa/confirm', { code: '123456' }],
      ['/api/v1/users/me/mfa/disable', { password: ownerPassword }],
      ['/api/v1/users/me/mfa/disable', { password: ownerPassword, code: '123456' }],
      ['/api/v1/auth/mfa', { code: '123456' }],
      ['/api/v1/auth/mfa', { code: [] }],
    ] as const) {
      const res = await app().inject({ method: 'POST', url, headers: withSession(s), payload });
      expect(res.statusCode, `${url} ${JSON.stringify(payload)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await db().selectFrom('users').selectAll().orderBy('id').execute()).toEqual(before);
  });
});
