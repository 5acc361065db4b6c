import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import type { RouteAccessEntry } from '../../src/http/route-access.ts';
import { isPermission, permissions, type Permission } from '../../src/identity/permissions.ts';
import { createSession } from '../../src/identity/sessions.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { useTestApp } from '../support/test-app.ts';
import { testDialects } from '../support/test-database.ts';

/**
 * The generated access matrix: built from `app.routeAccessTable`, so every route of every feature is covered,
 * including routes added after this file was written.
 */

const hasBody = (method: string) => method === 'POST' || method === 'PUT' || method === 'PATCH';

/** Valid bodies for routes whose body is known here, so that a refusal is about the id and not the body. */
const validBodies: Record<string, unknown> = {
  'PATCH /api/v1/users/:id': { name: 'Cross' },
  'PATCH /api/v1/roles/:id': { requireMfa: true },
};

function fill(url: string, value: string): string {
  return url.replace(/:[A-Za-z_]+/g, encodeURIComponent(value));
}

describe.each(testDialects)('route access matrix on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  const db = () => ctx().t.db.kysely;
  const routes = (): RouteAccessEntry[] => ctx().app.routeAccessTable.filter((r) => r.url.startsWith('/api/'));
  const inject = (route: RouteAccessEntry, url: string, headers: Record<string, string>) =>
    ctx().app.inject({
      method: route.method as 'GET',
      url,
      headers: { ...headers, ...(hasBody(route.method) ? { 'content-type': 'application/json' } : {}) },
      ...(hasBody(route.method) ? { payload: JSON.stringify(validBodies[`${route.method} ${route.url}`] ?? {}) } : {}),
    });

  /** Bearer tokens of custom roles holding every permission but one, with every purpose and category. */
  const allBut = new Map<Permission, string>();
  let ownerToken = '';
  let otherWorkspace = '';
  const otherIds: Record<string, string> = {};

  beforeAll(async () => {
    const at = ctx().clock.now().toISOString();
    for (const missing of permissions) {
      const key = `all_but_${missing.replace(':', '_')}`;
      await db()
        .insertInto('roles')
        .values({
          id: randomUUID(),
          workspace_id: ctx().workspaceId,
          key,
          name: key,
          description: '',
          builtin: 0,
          permissions: JSON.stringify(permissions.filter((p) => p !== missing)),
          purposes: '["*"]',
          data_categories: '["*"]',
          default_purpose: 'crm',
          require_mfa: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
      allBut.set(missing, (await insertTokenForRole(db(), ctx().workspaceId, key)).token);
    }
    ({ token: ownerToken } = await insertTokenForRole(db(), ctx().workspaceId, 'owner'));

    // A second workspace with its own owner, token, custom role, user and session.
    otherWorkspace = await createWorkspace({ db: db(), clock: ctx().clock, seeders: workspaceSeeders }, { name: 'Other' });
    const other = await insertTokenForRole(db(), otherWorkspace, 'owner');
    const headers = { authorization: `Bearer ${other.token}` };
    const role = await ctx().app.inject({ method: 'POST', url: '/api/v1/roles', headers, payload: { key: 'other_custom', name: 'Other', permissions: ['users:read'] } });
    expect(role.statusCode, role.body).toBe(201);
    const user = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: { email: 'someone@other.example', name: 'Other', roleKey: 'other_custom', password: 'cedar harbour violin 2291' },
    });
    expect(user.statusCode, user.body).toBe(201);
    const token = await ctx().app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload: { name: 'other' } });
    expect(token.statusCode, token.body).toBe(201);
    const session = await createSession(db(), ctx().clock, {
      workspaceId: otherWorkspace,
      userId: other.userId,
      mfaPending: false,
      absoluteHours: 12,
      ip: null,
      userAgent: null,
    });
    Object.assign(otherIds, { role: role.json().id, user: user.json().id, token: token.json().item.id, session: session.publicId });
  });

  /** Every `id`, `public_id` and `key` value of the other workspace's rows that does not also exist in this one. */
  async function otherWorkspaceValues(): Promise<string[]> {
    const tables = await db().introspection.getTables();
    const values = new Set<string>(Object.values(otherIds));
    for (const table of tables) {
      const columns = table.columns.map((c) => c.name);
      if (!columns.includes('workspace_id')) continue;
      for (const column of ['id', 'public_id', 'key'].filter((c) => columns.includes(c))) {
        const rows = await sql<{ v: unknown; w: string }>`select ${sql.ref(column)} as v, workspace_id as w from ${sql.table(table.name)}`.execute(db());
        const mine = new Set(rows.rows.filter((r) => r.w === ctx().workspaceId).map((r) => String(r.v)));
        for (const r of rows.rows) if (r.w === otherWorkspace && !mine.has(String(r.v))) values.add(String(r.v));
      }
    }
    return [...values];
  }

  /** Every row of the other workspace, to prove nothing there changed. */
  async function otherWorkspaceRows(): Promise<string> {
    const tables = await db().introspection.getTables();
    const out: Record<string, unknown[]> = {};
    for (const table of tables.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!table.columns.some((c) => c.name === 'workspace_id')) continue;
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)} where workspace_id = ${otherWorkspace}`.execute(db());
      out[table.name] = rows.rows.map((r) => JSON.stringify(r)).sort();
    }
    return JSON.stringify(out);
  }

  it('declares an access for every API route, and every declared permission exists', () => {
    expect(routes().length).toBeGreaterThan(20);
    for (const r of routes()) {
      expect(r.access === 'public' || r.access === 'authenticated' || isPermission(r.access), `${r.method} ${r.url}`).toBe(true);
    }
  });

  // Walks every route of the API (more with each feature): a generous budget, not a speed claim.
  it('refuses every permission-protected route with 403 FORBIDDEN to a role that has every permission but that one', { timeout: 180_000 }, async () => {
    const failures: string[] = [];
    for (const route of routes()) {
      if (route.access === 'public' || route.access === 'authenticated') continue;
      const url = fill(route.url, randomUUID());
      const denied = await inject(route, url, { authorization: `Bearer ${allBut.get(route.access)}` });
      if (denied.statusCode !== 403 || denied.json().code !== 'FORBIDDEN') {
        failures.push(`${route.method} ${route.url} without ${route.access}: ${denied.statusCode} ${denied.body.slice(0, 120)}`);
      }
      // Control: the owner, holding the permission, is not refused for lack of it.
      const allowed = await inject(route, url, { authorization: `Bearer ${ownerToken}` });
      if (allowed.statusCode === 403 && allowed.json().code === 'FORBIDDEN') failures.push(`${route.method} ${route.url}: owner refused`);
    }
    expect(failures).toEqual([]);
    const denials = await db().selectFrom('audit_log').select('details').where('action', '=', 'access.denied').execute();
    expect(denials.length).toBeGreaterThan(0);
  });

  // Walks every route of the API (more with each feature): a generous budget, not a speed claim.
  it('answers every non-public route with 401 without credentials, and with a forged token or cookie', { timeout: 180_000 }, async () => {
    const failures: string[] = [];
    for (const route of routes()) {
      if (route.access === 'public') continue;
      const url = fill(route.url, randomUUID());
      const forged: Record<string, string>[] = [{}, { authorization: `Bearer cus_${'A'.repeat(43)}` }, { cookie: `custodian_session=${'A'.repeat(43)}` }];
      for (const headers of forged) {
        const res = await inject(route, url, headers);
        if (res.statusCode !== 401 || res.json().code !== 'UNAUTHENTICATED') {
          failures.push(`${route.method} ${route.url} ${Object.keys(headers).join()}: ${res.statusCode}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  // Walks every route of the API (more with each feature): a generous budget, not a speed claim.
  it('answers a random id with 404, and another workspace’s ids never with success, changing nothing there', { timeout: 180_000 }, async () => {
    const values = await otherWorkspaceValues();
    expect(values).toEqual(expect.arrayContaining(Object.values(otherIds)));
    const before = await otherWorkspaceRows();
    const failures: string[] = [];
    const owner = { authorization: `Bearer ${ownerToken}` };
    for (const route of routes().filter((r) => r.url.includes(':'))) {
      // Without a known valid body, a body-carrying route may refuse the body first: any 4xx is a refusal then.
      const exact = !hasBody(route.method) || validBodies[`${route.method} ${route.url}`] !== undefined;
      // A random UUID, and a random slug for routes addressed by key (whose params refuse a UUID's shape with 400).
      const randoms = [randomUUID(), `zz_${randomUUID().replace(/-/g, '').slice(0, 16)}`];
      const answers = await Promise.all(randoms.map((r) => inject(route, fill(route.url, r), owner)));
      const statuses = answers.map((a) => a.statusCode);
      if (statuses.some((s) => s < 400 || s >= 500) || (exact && !statuses.includes(404))) {
        failures.push(`${route.method} ${route.url} random id: ${statuses.join('/')} ${answers[0]!.body.slice(0, 100)}`);
      }
      for (const value of values) {
        const res = await inject(route, fill(route.url, value), owner);
        if (res.statusCode < 400 || res.statusCode >= 500) {
          failures.push(`${route.method} ${route.url} other workspace's ${value}: ${res.statusCode} ${res.body.slice(0, 100)}`);
        }
      }
    }
    // The other workspace's own identity resources get exactly 404 from the routes that address them.
    const exactCases: [string, string, string, unknown][] = [
      ['GET', '/api/v1/users/:id', otherIds.user!, undefined],
      ['PATCH', '/api/v1/users/:id', otherIds.user!, { name: 'Cross' }],
      ['PATCH', '/api/v1/roles/:id', otherIds.role!, { requireMfa: true }],
      ['DELETE', '/api/v1/roles/:id', otherIds.role!, undefined],
      ['DELETE', '/api/v1/tokens/:id', otherIds.token!, undefined],
      ['DELETE', '/api/v1/users/me/sessions/:id', otherIds.session!, undefined],
    ];
    for (const [method, url, id, payload] of exactCases) {
      const res = await ctx().app.inject({ method: method as 'GET', url: fill(url, id), headers: owner, ...(payload ? { payload: payload as object } : {}) });
      if (res.statusCode !== 404) failures.push(`${method} ${url} other workspace: ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
    expect(await otherWorkspaceRows()).toBe(before);
  });
});
