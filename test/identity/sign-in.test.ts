import { describe, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import { hashSecret } from '../../src/identity/secret-hash.ts';
import { needsRehash } from '../../src/identity/password-hash.ts';
import { ownerEmail, ownerPassword, useTestApp } from '../support/test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { auditOf, insertUser, sessionCookieOf, signInAs, withSession } from './identity-helpers.ts';

const password = 'violet lantern orbit 7731';

describe.each(testDialects)('sign-in and sessions on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  const db = () => ctx().t.db.kysely;

  it('signs in with a new random session id each time, stores only its hash, and answers the Me view', async () => {
    const a = await signInAs(ctx().app, ownerEmail, ownerPassword);
    const b = await signInAs(ctx().app, ownerEmail, ownerPassword, { cookie: a.cookie });
    expect(a.secret).not.toBe(b.secret);
    expect(Buffer.from(a.secret, 'base64url')).toHaveLength(32);
    const rows = await db().selectFrom('sessions').select(['id', 'revoked_at']).execute();
    expect(rows.map((r) => r.id)).toContain(hashSecret(a.secret));
    expect(rows.map((r) => r.id)).not.toContain(a.secret);
    // The session the client came with ended at the new sign-in.
    expect(rows.find((r) => r.id === hashSecret(a.secret))?.revoked_at).not.toBeNull();
    const me = await ctx().app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: b.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: ownerEmail, role: { key: 'owner' }, mfaEnabled: false, mfaRequired: false });
    expect(me.json().permissions).toContain('users:write');
  });

  it('sets the session cookie HttpOnly and SameSite=Strict (relaxed name and Secure only on loopback development)', async () => {
    const res = await ctx().app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: ownerEmail, password: ownerPassword } });
    const cookie = res.cookies.find((c) => c.name === 'custodian_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
  });

  it('answers a wrong password and an unknown account with the same 401 body, and audits both without the email', async () => {
    const wrong = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: ownerEmail, password: 'not the right password' },
      remoteAddress: '10.0.0.1',
    });
    const unknown = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'nobody@example.test', password: 'not the right password' },
      remoteAddress: '10.0.0.1',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    expect(unknown.json().code).toBe('INVALID_CREDENTIALS');
    expect(unknown.cookies).toHaveLength(0);
    const failures = (await auditOf(db(), 'auth.sign-in')).filter((e) => e.outcome === 'failed');
    expect(failures.map((f) => JSON.parse(f.details).reason)).toEqual(expect.arrayContaining(['bad-password', 'unknown-account']));
    const unknownEntry = failures.find((f) => JSON.parse(f.details).reason === 'unknown-account')!;
    expect(unknownEntry.actor_type).toBe('anonymous');
    expect(unknownEntry.resource_id).toBeNull();
    for (const f of failures) expect(JSON.stringify(f)).not.toMatch(/@example\.test/);
  });

  it('refuses a cookie-authenticated change without the CSRF token', async () => {
    const s = await signInAs(ctx().app, ownerEmail, ownerPassword);
    const without = await ctx().app.inject({
      method: 'PATCH',
      url: '/api/v1/settings',
      headers: { cookie: s.cookie },
      payload: { 'organisation.name': 'Changed' },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('CSRF_FAILED');
    const wrong = await ctx().app.inject({
      method: 'PATCH',
      url: '/api/v1/settings',
      headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) },
      payload: { 'organisation.name': 'Changed' },
    });
    expect(wrong.json().code).toBe('CSRF_FAILED');
    const ok = await ctx().app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: withSession(s), payload: { 'organisation.name': 'Changed' } });
    expect(ok.statusCode).toBe(200);
  });

  it('reports the session at /auth/session with its CSRF token, and nothing without one', async () => {
    const s = await signInAs(ctx().app, ownerEmail, ownerPassword);
    const res = await ctx().app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: s.cookie } });
    expect(res.json()).toMatchObject({ authenticated: true, csrfToken: s.csrf, mfaEnrolmentRequired: false, user: { email: ownerEmail } });
    const anon = await ctx().app.inject({ method: 'GET', url: '/api/v1/auth/session' });
    expect(anon.json()).toEqual({ authenticated: false });
  });

  it('ends the session server-side at sign-out, so a copied cookie no longer works', async () => {
    const s = await signInAs(ctx().app, ownerEmail, ownerPassword);
    const out = await ctx().app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: { cookie: s.cookie } });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'custodian_session')?.value).toBe('');
    const after = await ctx().app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: s.cookie } });
    expect(after.statusCode).toBe(401);
    expect((await auditOf(db(), 'auth.sign-out')).length).toBeGreaterThan(0);
  });

  it('ends a session idle for longer than the idle timeout, and any session past its absolute lifetime', async () => {
    const idle = await signInAs(ctx().app, ownerEmail, ownerPassword);
    ctx().clock.advance(29 * 60_000);
    expect((await ctx().app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: idle.cookie } })).statusCode).toBe(200);
    ctx().clock.advance(31 * 60_000);
    expect((await ctx().app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: idle.cookie } })).statusCode).toBe(401);

    const busy = await signInAs(ctx().app, ownerEmail, ownerPassword);
    for (let i = 0; i < 25; i++) {
      ctx().clock.advance(29 * 60_000);
      const res = await ctx().app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: busy.cookie } });
      if (i < 24) expect(res.statusCode, `after ${(i + 1) * 29} minutes`).toBe(200);
      else expect(res.statusCode).toBe(401); // 725 minutes > 12 hours
    }
  });

  it('locks an account after 5 failures with 429 and Retry-After, doubling the lock, without revealing existence', async () => {
    const email = 'locked@example.test';
    await insertUser(db(), { workspaceId: ctx().workspaceId, email, password, roleKey: 'sales' });
    const attempt = (pw: string, who = email) =>
      ctx().app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: who, password: pw }, remoteAddress: `10.1.0.${Math.floor(Math.random() * 200)}` });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password here')).statusCode).toBe(401);
    const locked = await attempt(password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('RATE_LIMITED');
    expect(locked.headers['retry-after']).toBe('60');
    // The same happens for an account that does not exist.
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password here', 'ghost@example.test')).statusCode).toBe(401);
    const ghost = await attempt('wrong password here', 'ghost@example.test');
    expect(ghost.statusCode).toBe(429);
    expect(ghost.headers['retry-after']).toBe('60');
    // After the lock, one more failure locks for twice as long.
    ctx().clock.advance(61_000);
    expect((await attempt('wrong again here')).statusCode).toBe(401);
    expect((await attempt(password)).headers['retry-after']).toBe('120');
    ctx().clock.advance(121_000);
    expect((await attempt(password)).statusCode).toBe(200);
    // The throttle table holds no email address.
    const keys = await db().selectFrom('sign_in_throttle').select('key').execute();
    expect(JSON.stringify(keys)).not.toContain('@');
  });

  it('throttles per client address, believing X-Forwarded-For only from a trusted proxy', async () => {
    // This app trusts no proxy: X-Forwarded-For is ignored and the socket address counts.
    for (let i = 0; i < 20; i++) {
      const res = await ctx().app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: `spray${i}@example.test`, password: 'wrong password here' },
        remoteAddress: '10.9.9.9',
        headers: { 'x-forwarded-for': `192.0.2.${i}` },
      });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: ownerEmail, password: ownerPassword },
      remoteAddress: '10.9.9.9',
      headers: { 'x-forwarded-for': '192.0.2.200' },
    });
    expect(blocked.statusCode).toBe(429);
    const keys = (await db().selectFrom('sign_in_throttle').select('key').execute()).map((k) => k.key);
    expect(keys).toContain('ip:10.9.9.9');
    expect(keys.some((k) => k.startsWith('ip:192.0.2.'))).toBe(false);
  });

  it('rehashes a password stored with older argon2 parameters at the next sign-in', async () => {
    const email = 'legacy@example.test';
    const old = await hash(password, { algorithm: 2, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    expect(needsRehash(old)).toBe(true);
    const id = await insertUser(db(), { workspaceId: ctx().workspaceId, email, password, roleKey: 'sales', passwordHash: old });
    await signInAs(ctx().app, email, password, {});
    const row = await db().selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.password_hash).not.toBe(old);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses a disabled account with the same answer as a wrong password', async () => {
    const email = 'disabled@example.test';
    const id = await insertUser(db(), { workspaceId: ctx().workspaceId, email, password, roleKey: 'sales' });
    await db().updateTable('users').set({ disabled: 1 }).where('id', '=', id).execute();
    const res = await ctx().app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password }, remoteAddress: '10.2.0.1' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('INVALID_CREDENTIALS');
  });

  it('answers bad sign-in input with 400 problem documents and creates no session', async () => {
    const before = await db().selectFrom('sessions').select('id').execute();
    for (const payload of [
      {},
      { email: ownerEmail },
      { email: { value: ownerEmail }, password: ownerPassword },
      { email: ownerEmail, password: [ownerPassword, ownerPassword] },
      { email: ownerEmail, password: ownerPassword, admin: true },
      { email: 'x'.repeat(300), password: ownerPassword },
      { email: ownerEmail, password: 'x'.repeat(2000) },
    ]) {
      const res = await ctx().app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await db().selectFrom('sessions').select('id').execute()).toHaveLength(before.length);
  });
});

describe.each(testDialects)('sign-in behind a trusted proxy on %s', (dialect) => {
  const ctx = useTestApp(dialect, { CUSTODIAN_TRUSTED_PROXIES: '127.0.0.1', HOST: '0.0.0.0' });

  it('counts failures against the X-Forwarded-For client when the proxy is trusted', async () => {
    for (let i = 0; i < 20; i++) {
      await ctx().app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: `spray${i}@example.test`, password: 'wrong password here' },
        headers: { 'x-forwarded-for': '198.51.100.7' },
      });
    }
    const blocked = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: ownerEmail, password: ownerPassword },
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    expect(blocked.statusCode).toBe(429);
    const other = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: ownerEmail, password: ownerPassword },
      headers: { 'x-forwarded-for': '198.51.100.8' },
    });
    expect(other.statusCode).toBe(200);
  });

  it('uses the __Host- prefixed Secure cookie when not on loopback development', async () => {
    const res = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: ownerEmail, password: ownerPassword },
      headers: { 'x-forwarded-for': '198.51.100.9' },
    });
    const cookie = res.cookies.find((c) => c.name === '__Host-custodian_session');
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie).not.toHaveProperty('domain');
    const { cookie: header } = sessionCookieOf(res);
    const me = await ctx().app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: header } });
    expect(me.statusCode).toBe(200);
  });
});
