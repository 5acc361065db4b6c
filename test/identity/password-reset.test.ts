import { describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/identity/totp.ts';
import { ownerEmail, ownerPassword, useTestApp } from '../support/test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { auditOf, insertUser, signInAs, withSession } from './identity-helpers.ts';
import { resetTokenIn, useSmtpPeer } from './smtp-peer.ts';

const publicUrl = 'https://crm.example.test';
const password = 'harbor cobalt willow 8812';
const newPassword = 'saffron glacier ribbon 4490';

describe.each(testDialects)('password reset by email on %s', (dialect) => {
  const env: Record<string, string> = { CUSTODIAN_PUBLIC_URL: publicUrl };
  const smtp = useSmtpPeer(env);
  const ctx = useTestApp(dialect, env);
  const db = () => ctx().t.db.kysely;
  const app = () => ctx().app;
  let ip = 0;
  const request = (email: string) =>
    app().inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email }, remoteAddress: `10.3.0.${++ip}` });
  const complete = (token: string, pw: string) =>
    app().inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: pw }, remoteAddress: `10.4.0.${++ip}` });

  it('answers 202 alike for known and unknown accounts, and mails a single-use link only to the known one', async () => {
    await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'reset@example.test', password, roleKey: 'sales' });
    const count = smtp.messages.length;
    const unknown = await request('nobody-here@example.test');
    const known = await request('reset@example.test');
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    const [mail] = (await smtp.waitFor(count + 1)).slice(count);
    // Give a stray message for the unknown account every chance to arrive.
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.messages).toHaveLength(count + 1);
    expect(mail!.to).toEqual(['reset@example.test']);
    expect(mail!.text).toContain('Reset your Custodian password');
    const token = resetTokenIn(mail!, publicUrl);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const stored = await db().selectFrom('password_resets').select(['token_hash', 'expires_at', 'created_at']).execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    const entries = await auditOf(db(), 'auth.password-reset.request');
    expect(entries.map((e) => JSON.parse(e.details).reason ?? 'sent')).toEqual(['unknown-account', 'sent']);
    expect(JSON.stringify(entries)).not.toContain('@example.test');

    const before = await signInAs(app(), 'reset@example.test', password);
    expect((await complete(token, newPassword)).statusCode).toBe(204);
    // Every session ended, the old password no longer works, the new one does, the link is spent.
    expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: before.cookie } })).statusCode).toBe(401);
    const old = await app().inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'reset@example.test', password }, remoteAddress: '10.5.0.1' });
    expect(old.statusCode).toBe(401);
    await signInAs(app(), 'reset@example.test', newPassword);
    const again = await complete(token, 'another fine password 77');
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('TOKEN_INVALID');
    expect((await auditOf(db(), 'auth.password-reset.complete')).length).toBe(1);
  });

  it('refuses a link older than 30 minutes', async () => {
    await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'late@example.test', password, roleKey: 'sales' });
    const count = smtp.messages.length;
    await request('late@example.test');
    const mail = (await smtp.waitFor(count + 1))[count]!;
    ctx().clock.advance(30 * 60_000 + 1000);
    const res = await complete(resetTokenIn(mail, publicUrl), newPassword);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TOKEN_INVALID');
  });

  it('refuses a weak new password with 422 and leaves the link usable', async () => {
    await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'weak@example.test', password, roleKey: 'sales' });
    const count = smtp.messages.length;
    await request('weak@example.test');
    const token = resetTokenIn((await smtp.waitFor(count + 1))[count]!, publicUrl);
    for (const weak of ['tiny', 'password1234', 'weak@example.test!!']) {
      const res = await complete(token, weak);
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('PASSWORD_TOO_WEAK');
      expect(res.body).not.toContain(weak);
    }
    expect((await complete(token, newPassword)).statusCode).toBe(204);
  });

  it('does not bypass MFA: after a reset, sign-in still asks for the TOTP code', async () => {
    await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'mfa-reset@example.test', password, roleKey: 'sales' });
    const s = await signInAs(app(), 'mfa-reset@example.test', password);
    const { secret } = (await app().inject({ method: 'POST', url: '/api/v1/users/me/mfa/enrol', headers: withSession(s) })).json();
    await app().inject({ method: 'POST', url: '/api/v1/users/me/mfa/confirm', headers: withSession(s), payload: { code: totpCodeAt(secret, ctx().clock.now()) } });
    const count = smtp.messages.length;
    await request('mfa-reset@example.test');
    const token = resetTokenIn((await smtp.waitFor(count + 1))[count]!, publicUrl);
    expect((await complete(token, newPassword)).statusCode).toBe(204);
    const res = await app().inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'mfa-reset@example.test', password: newPassword } });
    expect(res.json()).toEqual({ status: 'mfa-required' });
  });

  it('throttles reset requests per account, whether or not it exists', async () => {
    for (const email of ['flood@example.test', 'no-such-account@example.test']) {
      for (let i = 0; i < 3; i++) expect((await request(email)).statusCode).toBe(202);
      const res = await request(email);
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('invites a user created without a password by email, and the invitation sets the password', async () => {
    const owner = await signInAs(app(), ownerEmail, ownerPassword);
    const count = smtp.messages.length;
    const created = await app().inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: withSession(owner),
      payload: { email: 'Invitee@Example.test', name: 'Invitee', roleKey: 'support' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().email).toBe('invitee@example.test');
    const mail = (await smtp.waitFor(count + 1))[count]!;
    expect(mail.to).toEqual(['invitee@example.test']);
    expect(mail.text).toContain('An account was created for you');
    expect((await complete(resetTokenIn(mail, publicUrl), newPassword)).statusCode).toBe(204);
    await signInAs(app(), 'invitee@example.test', newPassword);
  });

  it('answers bad reset input with 4xx problem documents and changes nothing', async () => {
    const before = await db().selectFrom('password_resets').selectAll().orderBy('id').execute();
    const users = await db().selectFrom('users').selectAll().orderBy('id').execute();
    for (const [url, payload] of [
      ['/api/v1/auth/password-reset', {}],
      ['/api/v1/auth/password-reset', { email: { $ne: null } }],
      ['/api/v1/auth/password-reset', { email: 'a@example.test', extra: true }],
      ['/api/v1/auth/password-reset', { email: 'x'.repeat(300) }],
      ['/api/v1/auth/password-reset/complete', { token: 'abc' }],
      ['/api/v1/auth/password-reset/complete', { token: 'x'.repeat(500), password: newPassword }],
      ['/api/v1/auth/password-reset/complete', { token: 'unknown-token-value', password: newPassword }],
      ['/api/v1/auth/password-reset/complete', { token: 'unknown-token-value', password: newPassword, admin: 1 }],
    ] as const) {
      const res = await app().inject({ method: 'POST', url, payload, remoteAddress: '10.6.0.1' });
      expect(res.statusCode, `${url} ${JSON.stringify(payload).slice(0, 60)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await db().selectFrom('password_resets').selectAll().orderBy('id').execute()).toEqual(before);
    expect(await db().selectFrom('users').selectAll().orderBy('id').execute()).toEqual(users);
  });
});
