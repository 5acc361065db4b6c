import { beforeAll, describe, expect, it } from 'vitest';
import { permissions } from '../../src/identity/permissions.ts';
import { ownerEmail, ownerPassword, useTestApp } from '../support/test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { auditOf, insertUser, signInAs, withSession } from './identity-helpers.ts';

const password = 'juniper falcon mosaic 3307';

describe.each(testDialects)('users, roles and settings administration on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  const db = () => ctx().t.db.kysely;
  const app = () => ctx().app;
  let owner = '';
  let admin = '';
  beforeAll(async () => {
    ({ token: owner } = await insertTokenForRole(db(), ctx().workspaceId, 'owner'));
    ({ token: admin } = await insertTokenForRole(db(), ctx().workspaceId, 'admin'));
  });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const call = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    app().inject({ method, url, headers: as(token), ...(payload === undefined ? {} : { payload: payload as object }) });

  describe('users', () => {
    it('creates a user with a password that can sign in, and audits it without the email', async () => {
      const res = await call(owner, 'POST', '/api/v1/users', { email: 'Created@Example.test', name: 'Created', roleKey: 'sales', password });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ email: 'created@example.test', name: 'Created', role: { key: 'sales' }, disabled: false, mfaEnabled: false });
      await signInAs(app(), 'created@example.test', password);
      const entry = (await auditOf(db(), 'user.create')).at(-1)!;
      expect(entry.resource_id).toBe(res.json().id);
      expect(JSON.stringify(entry)).not.toContain('example.test');
    });

    it('refuses weak passwords, taken emails, unknown roles, and roles beyond the creator’s', async () => {
      const cases: [unknown, number, string][] = [
        [{ email: 'w1@example.test', name: 'W', roleKey: 'sales', password: 'password1234' }, 422, 'PASSWORD_TOO_WEAK'],
        [{ email: 'w1@example.test', name: 'W', roleKey: 'sales', password: 'w1@example.test-and-more' }, 422, 'PASSWORD_TOO_WEAK'],
        [{ email: ownerEmail, name: 'W', roleKey: 'sales', password }, 409, 'ALREADY_EXISTS'],
        [{ email: 'w2@example.test', name: 'W', roleKey: 'nope', password }, 422, 'UNPROCESSABLE'],
      ];
      for (const [payload, status, code] of cases) {
        const res = await call(owner, 'POST', '/api/v1/users', payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(status);
        expect(res.json().code).toBe(code);
      }
      const escalate = await call(admin, 'POST', '/api/v1/users', { email: 'w3@example.test', name: 'W', roleKey: 'owner', password });
      expect(escalate.statusCode).toBe(403);
      const emails = (await db().selectFrom('users').select('email').execute()).map((u) => u.email);
      expect(emails).not.toEqual(expect.arrayContaining(['w1@example.test']));
      expect(emails.filter((e) => /^w\d@/.test(e))).toEqual([]);
    });

    it('pages through users with an opaque cursor and filters by q', async () => {
      for (let i = 0; i < 5; i++) {
        ctx().clock.advance(1000);
        await insertUser(db(), { workspaceId: ctx().workspaceId, email: `page${i}@example.test`, password, roleKey: 'support', at: ctx().clock.now().toISOString() });
      }
      const all = (await call(owner, 'GET', '/api/v1/users?limit=100')).json().items.map((u: { id: string }) => u.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await call(owner, 'GET', `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.statusCode).toBe(200);
        expect(page.json().items.length).toBeLessThanOrEqual(2);
        seen.push(...page.json().items.map((u: { id: string }) => u.id));
        cursor = page.json().nextCursor;
        if (cursor) expect(Buffer.from(cursor, 'base64url').toString()).not.toContain('@');
      } while (cursor);
      expect(seen).toEqual(all);
      const found = (await call(owner, 'GET', '/api/v1/users?q=PAGE3')).json().items;
      expect(found.map((u: { email: string }) => u.email)).toEqual(['page3@example.test']);
      expect((await call(owner, 'GET', '/api/v1/users?q=%25')).json().items).toEqual([]);
      expect((await call(owner, 'GET', '/api/v1/users?cursor=bm9wZQ')).statusCode).toBe(400);
    });

    it('changes name and role, and disabling ends the user’s sessions', async () => {
      const id = await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'patch@example.test', password, roleKey: 'support' });
      const s = await signInAs(app(), 'patch@example.test', password);
      const renamed = await call(owner, 'PATCH', `/api/v1/users/${id}`, { name: 'Renamed', roleKey: 'sales' });
      expect(renamed.json()).toMatchObject({ name: 'Renamed', role: { key: 'sales' } });
      expect((await call(owner, 'GET', `/api/v1/users/${id}`)).json().name).toBe('Renamed');
      const disabled = await call(owner, 'PATCH', `/api/v1/users/${id}`, { disabled: true });
      expect(disabled.json().disabled).toBe(true);
      expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
      const entry = (await auditOf(db(), 'user.disable')).at(-1)!;
      expect(JSON.parse(entry.details)).toMatchObject({ disabled: true, sessionsEnded: 1 });
      expect(JSON.stringify(await auditOf(db(), 'user.update'))).not.toContain('Renamed');
    });

    it('never demotes or disables the last owner, and admins cannot touch owners', async () => {
      const ownerRow = await db().selectFrom('users').select('id').where('email', '=', ownerEmail).executeTakeFirstOrThrow();
      const s = await signInAs(app(), ownerEmail, ownerPassword);
      // The test helper's owner token user is a second owner: disable it first so the signed-in owner is the last.
      const others = await db()
        .selectFrom('users')
        .innerJoin('roles', 'roles.id', 'users.role_id')
        .select('users.id')
        .where('roles.key', '=', 'owner')
        .where('users.id', '!=', ownerRow.id)
        .execute();
      for (const o of others) {
        expect((await app().inject({ method: 'PATCH', url: `/api/v1/users/${o.id}`, headers: withSession(s), payload: { disabled: true } })).statusCode).toBe(200);
      }
      const demote = await app().inject({ method: 'PATCH', url: `/api/v1/users/${ownerRow.id}`, headers: withSession(s), payload: { roleKey: 'admin' } });
      expect(demote.statusCode).toBe(409);
      const disable = await app().inject({ method: 'PATCH', url: `/api/v1/users/${ownerRow.id}`, headers: withSession(s), payload: { disabled: true } });
      expect(disable.statusCode).toBe(409);
      expect((await call(admin, 'PATCH', `/api/v1/users/${ownerRow.id}`, { name: 'Hijacked' })).statusCode).toBe(403);
      const row = await db().selectFrom('users').select(['disabled', 'name']).where('id', '=', ownerRow.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ disabled: 0, name: 'Owner' });
      // Re-enable the other owners (the helper token's user) for the tests after this one.
      for (const o of others) await db().updateTable('users').set({ disabled: 0 }).where('id', '=', o.id).execute();
    });

    it('answers bad user input with 4xx problem documents and changes nothing', async () => {
      const id = await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'bad-input@example.test', password, roleKey: 'support' });
      const before = await db().selectFrom('users').selectAll().orderBy('id').execute();
      const bad: [string, string, unknown][] = [
        ['POST', '/api/v1/users', {}],
        ['POST', '/api/v1/users', { email: 'not-an-email', name: 'X', roleKey: 'sales' }],
        ['POST', '/api/v1/users', { email: 'x@example.test', name: 'X', roleKey: 'sales', admin: true }],
        ['POST', '/api/v1/users', { email: 'x@example.test', name: 'x'.repeat(201), roleKey: 'sales' }],
        ['POST', '/api/v1/users', { email: 'x@example.test', name: { a: 1 }, roleKey: 'sales' }],
        ['POST', '/api/v1/users', { email: `${'x'.repeat(250)}@example.test`, name: 'X', roleKey: 'sales' }],
        ['PATCH', `/api/v1/users/${id}`, {}],
        ['PATCH', `/api/v1/users/${id}`, { disabled: 'maybe' }],
        ['PATCH', `/api/v1/users/${id}`, { email: 'new@example.test' }],
        ['PATCH', `/api/v1/users/${id}`, { roleKey: 'no_such_role' }],
        ['PATCH', `/api/v1/users/${id}`, { name: '' }],
        ['PATCH', '/api/v1/users/00000000-0000-4000-8000-000000000000', { name: 'Ghost' }],
        ['GET', '/api/v1/users/00000000-0000-4000-8000-000000000000', undefined],
        ['GET', '/api/v1/users?limit=0', undefined],
        ['GET', '/api/v1/users?limit=1000', undefined],
        ['GET', `/api/v1/users?q=${'x'.repeat(101)}`, undefined],
        ['GET', '/api/v1/users?sort=email', undefined],
      ];
      for (const [method, url, payload] of bad) {
        const res = await call(owner, method as 'POST', url, payload);
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`.slice(0, 120)).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect(await db().selectFrom('users').selectAll().orderBy('id').execute()).toEqual(before);
    });
  });

  describe('roles', () => {
    it('lists the built-in roles with user counts and every permission', async () => {
      const roles = (await call(owner, 'GET', '/api/v1/roles')).json().items;
      expect(roles.filter((r: { builtin: boolean }) => r.builtin).map((r: { key: string }) => r.key).sort()).toEqual(
        ['admin', 'auditor', 'marketing', 'owner', 'privacy_officer', 'sales', 'support'],
      );
      expect(roles.find((r: { key: string }) => r.key === 'owner').userCount).toBeGreaterThanOrEqual(1);
      expect((await call(owner, 'GET', '/api/v1/permissions')).json().items).toEqual([...permissions]);
    });

    it('creates, changes and deletes a custom role, auditing each step', async () => {
      const created = await call(owner, 'POST', '/api/v1/roles', {
        key: 'analyst',
        name: 'Analyst',
        permissions: ['users:read', 'audit:read'],
        purposes: ['crm'],
        dataCategories: ['user.name'],
        defaultPurpose: 'crm',
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ key: 'analyst', builtin: false, userCount: 0, requireMfa: false, permissions: ['users:read', 'audit:read'] });
      const id = created.json().id;
      const changed = await call(owner, 'PATCH', `/api/v1/roles/${id}`, { permissions: ['users:read'], requireMfa: true });
      expect(changed.json()).toMatchObject({ permissions: ['users:read'], requireMfa: true });
      expect((await call(owner, 'DELETE', `/api/v1/roles/${id}`)).statusCode).toBe(204);
      expect((await call(owner, 'GET', '/api/v1/roles')).json().items.map((r: { key: string }) => r.key)).not.toContain('analyst');
      for (const action of ['role.create', 'role.update', 'role.delete']) expect((await auditOf(db(), action)).at(-1)?.resource_id).toBe(id);
    });

    it('keeps built-in roles immutable except requireMfa, and refuses deleting a role in use', async () => {
      const roles = (await call(owner, 'GET', '/api/v1/roles')).json().items;
      const sales = roles.find((r: { key: string }) => r.key === 'sales');
      expect((await call(owner, 'PATCH', `/api/v1/roles/${sales.id}`, { permissions: ['people:read'] })).statusCode).toBe(409);
      expect((await call(owner, 'PATCH', `/api/v1/roles/${sales.id}`, { name: 'Sellers' })).statusCode).toBe(409);
      expect((await call(owner, 'DELETE', `/api/v1/roles/${sales.id}`)).statusCode).toBe(409);
      const custom = (await call(owner, 'POST', '/api/v1/roles', { key: 'held', name: 'Held', permissions: [] })).json();
      await call(owner, 'POST', '/api/v1/users', { email: 'holder@example.test', name: 'H', roleKey: 'held', password });
      expect((await call(owner, 'DELETE', `/api/v1/roles/${custom.id}`)).statusCode).toBe(409);
      const after = (await call(owner, 'GET', '/api/v1/roles')).json().items.find((r: { key: string }) => r.key === 'sales');
      expect(after).toEqual(sales);
    });

    it('refuses a role granting more than the creator holds', async () => {
      const res = await call(admin, 'POST', '/api/v1/roles', { key: 'sneaky', name: 'Sneaky', permissions: ['keys:manage'] });
      expect(res.statusCode).toBe(403);
      expect(res.json().beyond).toEqual(['keys:manage']);
      const wide = await call(admin, 'POST', '/api/v1/roles', { key: 'wide', name: 'Wide', permissions: [], purposes: ['*'] });
      expect(wide.statusCode).toBe(403);
      const roles = (await call(owner, 'GET', '/api/v1/roles')).json().items.map((r: { key: string }) => r.key);
      expect(roles).not.toEqual(expect.arrayContaining(['sneaky']));
      expect(roles).not.toContain('wide');
    });

    it('answers bad role input with 4xx problem documents and changes nothing', async () => {
      const before = await db().selectFrom('roles').selectAll().orderBy('id').execute();
      const custom = before.find((r) => r.builtin === 0);
      const target = custom?.id ?? '00000000-0000-4000-8000-000000000000';
      const bad: [string, string, unknown][] = [
        ['POST', '/api/v1/roles', {}],
        ['POST', '/api/v1/roles', { key: 'x', name: 'X', permissions: [] }],
        ['POST', '/api/v1/roles', { key: 'owner', name: 'X', permissions: [] }],
        ['POST', '/api/v1/roles', { key: 'held', name: 'X', permissions: [] }],
        ['POST', '/api/v1/roles', { key: 'Bad Key', name: 'X', permissions: [] }],
        ['POST', '/api/v1/roles', { key: 'ok_key', name: 'X', permissions: ['people:fly'] }],
        ['POST', '/api/v1/roles', { key: 'ok_key', name: 'X', permissions: ['users:read', 'users:read'] }],
        ['POST', '/api/v1/roles', { key: 'ok_key', name: 'x'.repeat(101), permissions: [] }],
        ['POST', '/api/v1/roles', { key: 'ok_key', name: 'X', permissions: [], extra: 1 }],
        ['POST', '/api/v1/roles', { key: 'ok_key', name: 'X', permissions: [], purposes: ['crm'], defaultPurpose: 'sales' }],
        ['POST', '/api/v1/roles', { key: 'ok_key', name: 'X', permissions: {} }],
        ['PATCH', `/api/v1/roles/${target}`, {}],
        ['PATCH', `/api/v1/roles/${target}`, { key: 'renamed' }],
        ['PATCH', `/api/v1/roles/${target}`, { requireMfa: 'yes' }],
        ['PATCH', '/api/v1/roles/00000000-0000-4000-8000-000000000000', { requireMfa: true }],
        ['DELETE', '/api/v1/roles/00000000-0000-4000-8000-000000000000', undefined],
      ];
      for (const [method, url, payload] of bad) {
        const res = await call(owner, method as 'POST', url, payload);
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`.slice(0, 120)).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect(await db().selectFrom('roles').selectAll().orderBy('id').execute()).toEqual(before);
    });
  });

  describe('settings', () => {
    it('lists the known settings and changes some, auditing the keys but not the values', async () => {
      const before = (await call(owner, 'GET', '/api/v1/settings')).json().items;
      expect(before.map((s: { key: string }) => s.key)).toEqual(
        expect.arrayContaining(['organisation.name', 'organisation.dpoEmail', 'encryption.enabled', 'regime']),
      );
      const res = await call(owner, 'PATCH', '/api/v1/settings', { 'organisation.dpoEmail': 'dpo@example.test', regime: 'uk-gdpr' });
      expect(res.statusCode, res.body).toBe(200);
      const items = Object.fromEntries(res.json().items.map((s: { key: string; value: unknown }) => [s.key, s.value]));
      expect(items).toMatchObject({ 'organisation.dpoEmail': 'dpo@example.test', regime: 'uk-gdpr', 'encryption.enabled': true });
      const ws = await db().selectFrom('workspaces').select('regime').where('id', '=', ctx().workspaceId).executeTakeFirstOrThrow();
      expect(ws.regime).toBe('uk-gdpr');
      const entry = (await auditOf(db(), 'settings.update')).at(-1)!;
      expect(JSON.parse(entry.details)).toEqual({ keys: ['organisation.dpoEmail', 'regime'] });
      expect(JSON.stringify(entry)).not.toContain('dpo@');
    });

    it('answers unknown keys and invalid values with 400 and changes nothing', async () => {
      const before = await db().selectFrom('settings').selectAll().orderBy('key').execute();
      for (const payload of [
        {},
        { 'encryption.enabled': false },
        { regime: 'anything' },
        { 'organisation.name': '' },
        { 'organisation.name': 'x'.repeat(201) },
        { 'organisation.dpoEmail': 'not an email' },
        { 'organisation.name': { a: 1 } },
        { 'marketing.enabled': true },
        { __proto__: { x: 1 }, regime: 'gdpr', extra: 1 },
      ]) {
        const res = await call(owner, 'PATCH', '/api/v1/settings', payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect((await call(admin, 'PATCH', '/api/v1/settings', { regime: 'uk-gdpr' })).statusCode).toBe(200);
      const { token: auditor } = await insertTokenForRole(db(), ctx().workspaceId, 'auditor');
      expect((await call(auditor, 'PATCH', '/api/v1/settings', { regime: 'ccpa' })).statusCode).toBe(403);
      const after = await db().selectFrom('settings').selectAll().orderBy('key').execute();
      expect(after.map((s) => [s.key, s.value])).toEqual(before.map((s) => [s.key, s.value]));
    });
  });
});
