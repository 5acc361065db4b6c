import { describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { seedDemoData } from '../../src/crm/demo/seed-demo-data.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { runCli } from '../support/run-cli.ts';
import { testDialects } from '../support/test-database.ts';

describe.each(testDialects)('demo data on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const count = async (table: 'organizations' | 'deals' | 'persons' | 'deal_people' | 'deal_stage_history' | 'activities' | 'tasks', workspaceId = ctx().workspaceId) =>
    Number((await ctx().t.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow()).n);

  it('`custodian demo seed` fills a fresh workspace: 50 organizations, 200 people, 80 deals over the stages, activities and tasks', async () => {
    const res = await runCli(ctx().t, ['demo', 'seed'], { CUSTODIAN_MODE: 'test' });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/50 organizations, 200 people, 80 deals/);
    expect(await count('organizations')).toBe(50);
    expect(await count('persons')).toBe(200);
    expect(await count('deals')).toBe(80);
    expect(await count('deal_people')).toBeGreaterThanOrEqual(80);
    expect(await count('deal_stage_history')).toBeGreaterThan(80);
    expect(await count('activities')).toBeGreaterThanOrEqual(80);
    expect(await count('tasks')).toBeGreaterThan(0);
    const byStage = await ctx().t.db.kysely.selectFrom('deals').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    expect(new Set(byStage.map((r) => r.status))).toEqual(new Set(['open', 'won', 'lost']));
    // People were written through the kernel: encrypted values, one bulk audit entry with a count.
    const person = await ctx().t.db.kysely.selectFrom('persons').selectAll().executeTakeFirstOrThrow();
    expect(Buffer.isBuffer(person.first_name)).toBe(true);
    const people = await ctx().app.inject({ method: 'GET', url: '/api/v1/people?limit=5', headers: ctx().as.owner });
    expect(people.statusCode).toBe(200);
    expect(people.json().items[0].firstName).toEqual(expect.any(String));
  });

  it('refuses to seed a workspace twice, changing nothing', async () => {
    const res = await runCli(ctx().t, ['demo', 'seed'], { CUSTODIAN_MODE: 'test' });
    expect(res.code).toBe(6);
    expect(res.stderr).toContain('CONFLICT');
    expect(await count('deals')).toBe(80);
    expect(await count('persons')).toBe(200);
  });

  it('gives the same company for the same seed', async () => {
    const s = ctx().services;
    const shapes: string[] = [];
    for (const name of ['Demo A', 'Demo B']) {
      const workspaceId = await createWorkspace({ db: ctx().t.db.kysely, clock: ctx().clock, seeders: workspaceSeeders }, { name });
      const { userId } = await insertTokenForRole(ctx().t.db.kysely, workspaceId, 'owner');
      await seedDemoData({ ...s, db: ctx().t.db, clock: ctx().clock }, { workspaceId, ownerUserId: userId, seed: 99, organizations: 4, people: 8, deals: 5 });
      const orgs = await ctx().t.db.kysely.selectFrom('organizations').select(['name', 'domain']).where('workspace_id', '=', workspaceId).orderBy('name').execute();
      const deals = await ctx().t.db.kysely.selectFrom('deals').select(['title', 'amount', 'status']).where('workspace_id', '=', workspaceId).orderBy('title').orderBy('amount').execute();
      expect(orgs).toHaveLength(4);
      shapes.push(JSON.stringify({ orgs, deals: deals.map((d) => ({ ...d, amount: Number(d.amount) })) }));
    }
    expect(shapes[0]).toBe(shapes[1]);
  });
});
