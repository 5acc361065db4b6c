import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiTokenPrefix } from '../../src/identity/authenticate.ts';
import { hashSecret, randomSecret } from '../../src/identity/secret-hash.ts';
import { appendAudit } from '../../src/kernel/audit/audit-log.ts';
import { createWorkspace, seedBuiltinRoles } from '../../src/workspaces/create-workspace.ts';
import { useTestApp, type TestApp } from '../support/test-app.ts';
import { testDialects } from '../support/test-database.ts';

/** A user of the given built-in role with an API token, inserted directly. Returns the bearer header. */
async function bearerFor(ctx: TestApp, workspaceId: string, roleKey: string): Promise<{ authorization: string }> {
  const db = ctx.t.db.kysely;
  const role = await db
    .selectFrom('roles')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', roleKey)
    .executeTakeFirstOrThrow();
  const userId = randomUUID();
  const at = ctx.clock.now().toISOString();
  await db
    .insertInto('users')
    .values({
      id: userId, workspace_id: workspaceId, email: `${roleKey}-${userId.slice(0, 8)}@example.test`, name: roleKey,
      password_hash: null, role_id: role.id, disabled: 0, mfa_secret: null, mfa_enabled: 0, mfa_last_step: null,
      password_changed_at: null, last_sign_in_at: null, created_at: at, updated_at: at,
    })
    .execute();
  const token = `${apiTokenPrefix}${randomSecret(32)}`;
  await db
    .insertInto('api_tokens')
    .values({
      id: randomUUID(), workspace_id: workspaceId, user_id: userId, role_id: null, name: 'test', token_hash: hashSecret(token),
      prefix: token.slice(0, 8), default_purpose: null, created_at: at, expires_at: null, last_used_at: null,
      last_used_ip: null, revoked_at: null,
    })
    .execute();
  return { authorization: `Bearer ${token}` };
}

describe.each(testDialects)('audit endpoints on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  let auditor: { authorization: string };
  let otherWorkspace: string;

  beforeAll(async () => {
    const c = ctx();
    auditor = await bearerFor(c, c.workspaceId, 'auditor');
    const deps = { dialect: c.t.db.dialect, clock: c.clock };
    for (let i = 0; i < 30; i++) {
      c.clock.advance(60_000);
      await c.t.db.kysely.transaction().execute((trx) =>
        appendAudit(trx, deps, {
          workspaceId: c.workspaceId,
          actor: { type: 'user', id: i % 2 ? 'actor-odd' : 'actor-even' },
          action: i % 3 ? 'person.read' : 'person.update',
          outcome: i % 10 === 0 ? 'denied' : 'allowed',
          resourceType: 'person',
          resourceId: `person-${i % 5}`,
          subjectPseudonym: `psn_${i % 5}`,
          purpose: i % 2 ? 'crm' : 'support',
          requestId: `req-${i}`,
          details: { i },
        }),
      );
    }
    otherWorkspace = await createWorkspace({ db: c.t.db.kysely, clock: c.clock, seeders: [seedBuiltinRoles] }, { name: 'Other' });
    await c.t.db.kysely.transaction().execute((trx) =>
      appendAudit(trx, deps, { workspaceId: otherWorkspace, actor: { type: 'system', id: null }, action: 'person.read', outcome: 'allowed', resourceType: 'person', resourceId: 'person-1' }),
    );
  });

  const get = (url: string, headers = auditor) => ctx().app.inject({ method: 'GET', url, headers });

  it('lists entries newest first and pages with the seq cursor', async () => {
    const first = await get('/api/v1/audit?limit=7');
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items).toHaveLength(7);
    const seqs: number[] = page1.items.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(page1.nextCursor).toBe(seqs[6]);
    const page2 = (await get(`/api/v1/audit?limit=7&cursor=${page1.nextCursor}`)).json();
    expect(page2.items[0].seq).toBe(seqs[6]! - 1);
    expect(page1.items[0]).toMatchObject({ actorType: expect.any(String), outcome: expect.any(String), details: expect.any(Object) });
  });

  it('filters by action, actor, resource, subject, purpose, outcome and time', async () => {
    const all = async (query: string) => {
      const res = await get(`/api/v1/audit?limit=200&${query}`);
      expect(res.statusCode).toBe(200);
      return res.json().items as Array<Record<string, unknown>>;
    };
    expect((await all('action=person.update')).length).toBe(10);
    expect((await all('action=person.update')).every((e) => e.action === 'person.update')).toBe(true);
    expect((await all('actorId=actor-odd')).length).toBe(15);
    expect((await all('resourceType=person&resourceId=person-3')).length).toBe(6);
    expect((await all('subject=psn_4')).every((e) => e.subjectPseudonym === 'psn_4')).toBe(true);
    expect((await all('purpose=support&outcome=denied')).length).toBe(3);
    const entries = await all('resourceType=person');
    const sorted = entries.map((e) => String(e.at)).sort();
    const from = sorted[10]!;
    const to = sorted[20]!;
    const window = await all(`resourceType=person&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(window).toHaveLength(10);
    expect(window.every((e) => String(e.at) >= from && String(e.at) < to)).toBe(true);
  });

  it("never shows another workspace's entries", async () => {
    const items = (await get('/api/v1/audit?limit=200&resourceId=person-1')).json().items as Array<{ actorType: string }>;
    expect(items.every((e) => e.actorType === 'user')).toBe(true);
    const theirs = await bearerFor(ctx(), otherWorkspace, 'auditor');
    const res = (await get('/api/v1/audit?limit=200', theirs)).json();
    expect(res.items.map((e: { action: string }) => e.action)).toEqual(['person.read']);
  });

  it.each([
    ['limit=201'],
    ['limit=0'],
    ['limit=abc'],
    ['cursor=-1'],
    ['cursor=x'],
    ['outcome=maybe'],
    ['from=yesterday'],
    ['to=2026-13-45'],
    ['colour=blue'],
    [`action=${'a'.repeat(201)}`],
    ['action=a%00b'],
    ['cursor=100000000000000000000'],
    ['from=2026-06-30T23:59:60Z'],
  ])('refuses %s with a 400 problem document', async (query) => {
    const res = await get(`/api/v1/audit?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it('refuses a role without audit:read and an anonymous caller', async () => {
    const sales = await bearerFor(ctx(), ctx().workspaceId, 'sales');
    expect((await get('/api/v1/audit', sales)).statusCode).toBe(403);
    expect((await get('/api/v1/audit/verify', sales)).statusCode).toBe(403);
    const anonymous = await ctx().app.inject({ method: 'GET', url: '/api/v1/audit' });
    expect(anonymous.statusCode).toBe(401);
  });

  it("verifies the caller's workspace chain and names the first bad entry", async () => {
    const ok = await get('/api/v1/audit/verify');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, checkpoints: 0 });
    expect(ok.json().entries).toBeGreaterThanOrEqual(30);
    const db = ctx().t.db.kysely;
    const row = await db.selectFrom('audit_log').select(['seq', 'action']).where('workspace_id', '=', ctx().workspaceId).where('seq', '=', 5).executeTakeFirstOrThrow();
    await db.updateTable('audit_log').set({ action: 'tampered' }).where('workspace_id', '=', ctx().workspaceId).where('seq', '=', 5).execute();
    try {
      const bad = await get('/api/v1/audit/verify');
      expect(bad.statusCode).toBe(200);
      expect(bad.json()).toMatchObject({ ok: false, firstBadSeq: 5, reason: 'hash-mismatch' });
      // Another workspace's chain is not this caller's business, and still verifies.
      const theirs = await bearerFor(ctx(), otherWorkspace, 'auditor');
      expect((await get('/api/v1/audit/verify', theirs)).json()).toMatchObject({ ok: true });
    } finally {
      await db.updateTable('audit_log').set({ action: row.action }).where('workspace_id', '=', ctx().workspaceId).where('seq', '=', 5).execute();
    }
  });

  it('describes both endpoints in the OpenAPI document', async () => {
    const doc = (await ctx().app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.paths['/api/v1/audit'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['action', 'actorId', 'resourceType', 'resourceId', 'subject', 'purpose', 'outcome', 'from', 'to', 'cursor', 'limit']),
    );
    expect(doc.paths['/api/v1/audit/verify'].get.responses['200']).toBeDefined();
  });
});
