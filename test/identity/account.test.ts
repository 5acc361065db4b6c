import { describe, expect, it } from 'vitest';
import { ownerEmail, ownerPassword, useTestApp } from '../support/test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { auditOf, insertUser, signInAs, withSession } from './identity-helpers.ts';

const password = 'orchid pylon tundra 4418';
const newPassword = 'marble osprey canyon 9063';

describe.each(testDialects)('my account on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  const db = () => ctx().t.db.kysely;
  const app = () => ctx().app;

  it('changes my password after checking the current one, ending every other session but this one', async () => {
    await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'change@example.test', password, roleKey: 'sales' });
    const other = await signInAs(app(), 'change@example.test', password);
    const current = await signInAs(app(), 'change@example.test', password);
    const wrong = await app().inject({
      method: 'POST',
      url: '/api/v1/users/me/password',
      headers: withSession(current),
      payload: { currentPassword: 'not the current one', newPassword },
    });
    expect(wrong.statusCode).toBe(401);
    const weak = await app().inject({
      method: 'POST',
      url: '/api/v1/users/me/password',
      headers: withSession(current),
      payload: { currentPassword: password, newPassword: 'change@example.test' },
    });
    expect(weak.statusCode).toBe(422);
    const ok = await app().inject({ method: 'POST', url: '/api/v1/users/me/password', headers: withSession(current), payload: { currentPassword: password, newPassword } });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: other.cookie } })).statusCode).toBe(401);
    expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: current.cookie } })).statusCode).toBe(200);
    await signInAs(app(), 'change@example.test', newPassword);
    const outcomes = (await auditOf(db(), 'user.password-change')).map((e) => e.outcome);
    expect(outcomes).toEqual(['failed', 'allowed']);
  });

  it('lists my live sessions, marks the current one, and ends another one by its public id', async () => {
    await insertUser(db(), { workspaceId: ctx().workspaceId, email: 'sessions@example.test', password, roleKey: 'sales' });
    const a = await signInAs(app(), 'sessions@example.test', password, { 'user-agent': 'Browser A' });
    const b = await signInAs(app(), 'sessions@example.test', password, { 'user-agent': 'Browser B' });
    const list = await app().inject({ method: 'GET', url: '/api/v1/users/me/sessions', headers: { cookie: b.cookie } });
    const items = list.json().items as { id: string; current: boolean; userAgent: string }[];
    expect(items).toHaveLength(2);
    expect(items.find((s) => s.current)?.userAgent).toBe('Browser B');
    const other = items.find((s) => !s.current)!;
    expect(JSON.stringify(items)).not.toContain(a.secret);
    // Someone else's session id is not found.
    const owner = await signInAs(app(), ownerEmail, ownerPassword);
    expect((await app().inject({ method: 'DELETE', url: `/api/v1/users/me/sessions/${other.id}`, headers: withSession(owner) })).statusCode).toBe(404);
    expect((await app().inject({ method: 'DELETE', url: `/api/v1/users/me/sessions/${other.id}`, headers: withSession(b) })).statusCode).toBe(204);
    expect((await app().inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: a.cookie } })).statusCode).toBe(401);
    expect((await app().inject({ method: 'DELETE', url: `/api/v1/users/me/sessions/${other.id}`, headers: withSession(b) })).statusCode).toBe(404);
    expect((await auditOf(db(), 'session.revoke')).at(-1)?.resource_id).toBe(other.id);
  });

  it('answers bad account input with 4xx problem documents and changes nothing', async () => {
    const s = await signInAs(app(), ownerEmail, ownerPassword);
    const users = await db().selectFrom('users').selectAll().orderBy('id').execute();
    for (const payload of [
      {},
      { currentPassword: ownerPassword },
      { currentPassword: ownerPassword, newPassword: { a: 1 } },
      { currentPassword: ownerPassword, newPassword, extra: 1 },
      { currentPassword: ownerPassword, newPassword: 'x'.repeat(600) },
      { currentPassword: ownerPassword, newPassword: 'y'.repeat(129) + 'z' },
    ]) {
      const res = await app().inject({ method: 'POST', url: '/api/v1/users/me/password', headers: withSession(s), payload });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    for (const id of ['00000000-0000-4000-8000-000000000000', 'x'.repeat(65)]) {
      const res = await app().inject({ method: 'DELETE', url: `/api/v1/users/me/sessions/${id}`, headers: withSession(s) });
      expect([400, 404]).toContain(res.statusCode);
    }
    expect(await db().selectFrom('users').selectAll().orderBy('id').execute()).toEqual(users);
  });
});
