import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp, type PeopleTestApp } from '../kernel-people/people-test-app.ts';
import { json } from './retention-test-app.ts';

const good = {
  name: 'Leads',
  category: 'user.contact',
  purpose: 'crm',
  period: 'P2Y',
  startEvent: 'last_activity',
  action: 'delete',
};

async function snapshot(ctx: PeopleTestApp): Promise<string> {
  const db = ctx.t.db.kysely;
  const policies = await db.selectFrom('retention_policies').selectAll().orderBy('id').execute();
  const versions = await db
    .selectFrom('retention_policy_versions')
    .selectAll()
    .orderBy('policy_id')
    .orderBy('version')
    .execute();
  const sweeps = await db.selectFrom('retention_sweeps').selectAll().orderBy('id').execute();
  return JSON.stringify({ policies, versions, sweeps });
}

describe.each(testDialects)('retention policies API on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const post = (payload: unknown, headers: Record<string, string> = ctx().as.privacy_officer) =>
    ctx().app.inject({
      method: 'POST',
      url: '/api/v1/retention/policies',
      headers: { ...headers, ...json },
      payload: payload as object,
    });
  const put = (id: string, payload: unknown, extra: Record<string, string> = {}) =>
    ctx().app.inject({
      method: 'PUT',
      url: `/api/v1/retention/policies/${id}`,
      headers: { ...ctx().as.privacy_officer, ...json, ...extra },
      payload: payload as object,
    });

  it('creates a policy (ETag 1), replaces it under If-Match keeping every version, and audits each change', async () => {
    const created = await post(good);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const policy = created.json();
    expect(policy).toMatchObject({ ...good, active: true, version: 1 });
    const noMatch = await put(policy.id, { ...good, period: 'P3Y' });
    expect(noMatch.statusCode).toBe(428);
    const updated = await put(
      policy.id,
      { ...good, period: 'P3Y', action: 'anonymise' },
      { 'if-match': '"1"' },
    );
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ period: 'P3Y', action: 'anonymise', version: 2 });
    const stale = await put(policy.id, { ...good, period: 'P9Y' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    const versions = await ctx().app.inject({
      method: 'GET',
      url: `/api/v1/retention/policies/${policy.id}/versions`,
      headers: ctx().as.auditor,
    });
    expect(
      versions
        .json()
        .items.map((v: { version: number; policy: { period: string } }) => [v.version, v.policy.period]),
    ).toEqual([
      [1, 'P2Y'],
      [2, 'P3Y'],
    ]);
    const audit = await ctx()
      .t.db.kysely.selectFrom('audit_log')
      .select(['action', 'resource_id'])
      .where('resource_type', '=', 'retention_policy')
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'retention.policy.create', resource_id: policy.id },
      { action: 'retention.policy.update', resource_id: policy.id },
    ]);
    const list = await ctx().app.inject({
      method: 'GET',
      url: '/api/v1/retention/policies',
      headers: ctx().as.privacy_officer,
    });
    expect(list.json().items.map((p: { id: string }) => p.id)).toContain(policy.id);
  });

  it('answers bad input with problem+json and stores nothing', async () => {
    const before = await snapshot(ctx());
    const cases: [unknown, number][] = [
      [{ ...good, period: 'two years' }, 400],
      [{ ...good, period: 'P0D' }, 400],
      [{ ...good, startEvent: 'birthday' }, 400],
      [{ ...good, action: 'shred' }, 400],
      [{ ...good, purpose: 'no_such_purpose' }, 400],
      [{ ...good, category: 'user.no_such_category' }, 400],
      [{ ...good, purpose: null, startEvent: 'consent_withdrawal' }, 400],
      [{ ...good, name: '   ' }, 400],
      [{ ...good, extra: 1 }, 400],
      [{ name: 'Missing fields' }, 400],
      ['not an object', 400],
    ];
    for (const [payload, status] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const consentless = await post({ ...good, purpose: null, startEvent: 'consent_withdrawal' });
    expect(consentless.json().errors).toEqual([expect.objectContaining({ path: '/purpose' })]);
    const unknown = await put('00000000-0000-4000-8000-000000000000', good, { 'if-match': '"1"' });
    expect(unknown.statusCode).toBe(404);
    const badId = await ctx().app.inject({
      method: 'GET',
      url: '/api/v1/retention/policies/not-a-uuid',
      headers: ctx().as.privacy_officer,
    });
    expect(badId.statusCode).toBe(400);
    const badCursor = await ctx().app.inject({
      method: 'GET',
      url: '/api/v1/retention/preview?cursor=garbage',
      headers: ctx().as.privacy_officer,
    });
    expect(badCursor.statusCode).toBe(400);
    const badSweep = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/retention/sweeps',
      headers: { ...ctx().as.privacy_officer, ...json },
      payload: { dryRun: 'yes' },
    });
    expect(badSweep.statusCode).toBe(400);
    expect(await snapshot(ctx())).toBe(before);
  });

  it('an update with bad input leaves the stored version intact', async () => {
    const policy = (await post({ ...good, name: 'Intact' })).json();
    const before = await snapshot(ctx());
    const bad = await put(policy.id, { ...good, name: 'Intact', period: 'forever' }, { 'if-match': '"1"' });
    expect(bad.statusCode).toBe(400);
    expect(await snapshot(ctx())).toBe(before);
  });

  it('needs retention permissions: sales and marketing are refused, the auditor reads but cannot write or sweep', async () => {
    const before = await snapshot(ctx());
    expect((await post(good, ctx().as.sales)).statusCode).toBe(403);
    expect(
      (
        await ctx().app.inject({
          method: 'GET',
          url: '/api/v1/retention/preview',
          headers: ctx().as.marketing,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await ctx().app.inject({
          method: 'GET',
          url: '/api/v1/retention/policies',
          headers: ctx().as.auditor,
        })
      ).statusCode,
    ).toBe(200);
    expect((await post(good, ctx().as.auditor)).statusCode).toBe(403);
    const sweep = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/retention/sweeps',
      headers: { ...ctx().as.auditor, ...json },
      payload: {},
    });
    expect(sweep.statusCode).toBe(403);
    expect((await ctx().app.inject({ method: 'GET', url: '/api/v1/retention/policies' })).statusCode).toBe(
      401,
    );
    expect(await snapshot(ctx())).toBe(before);
  });

  it('another workspace cannot see or change a policy', async () => {
    const policy = (await post({ ...good, name: 'Mine' })).json();
    const db = ctx().t.db.kysely;
    await db
      .updateTable('retention_policies')
      .set({ workspace_id: 'another-workspace' })
      .where('id', '=', policy.id)
      .execute();
    try {
      const read = await ctx().app.inject({
        method: 'GET',
        url: `/api/v1/retention/policies/${policy.id}`,
        headers: ctx().as.privacy_officer,
      });
      expect(read.statusCode).toBe(404);
      const write = await put(policy.id, good, { 'if-match': '"1"' });
      expect(write.statusCode).toBe(404);
    } finally {
      await db
        .updateTable('retention_policies')
        .set({ workspace_id: ctx().workspaceId })
        .where('id', '=', policy.id)
        .execute();
    }
  });
});
