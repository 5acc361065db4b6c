import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { call } from './deals-test-support.ts';

describe.each(testDialects)('deleting an organization or a deal on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('removes activities about that record only, keeps shared ones and unlinks its tasks', async () => {
    const person = (await call(ctx(), 'POST', '/api/v1/people', { firstName: 'Ada' })).json().id as string;
    const deal = (await call(ctx(), 'POST', '/api/v1/deals', { title: 'Engine order', amount: 100, currency: 'GBP' })).json();
    const org = (await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Analytical Engines Ltd' })).json();
    const onlyDeal = await call(ctx(), 'POST', '/api/v1/activities', { type: 'note', subject: 'Pricing', occurredAt: '2026-03-01T10:00:00Z', links: [{ entity: 'deal', id: deal.id }] });
    const shared = await call(ctx(), 'POST', '/api/v1/activities', { type: 'call', subject: 'Kick-off', occurredAt: '2026-03-01T11:00:00Z', links: [{ entity: 'person', id: person }, { entity: 'deal', id: deal.id }] });
    const onlyOrg = await call(ctx(), 'POST', '/api/v1/activities', { type: 'meeting', subject: 'Visit', occurredAt: '2026-03-01T12:00:00Z', links: [{ entity: 'organization', id: org.id }] });
    const task = await call(ctx(), 'POST', '/api/v1/tasks', { title: 'Send the quote', link: { entity: 'deal', id: deal.id } });
    for (const res of [onlyDeal, shared, onlyOrg, task]) expect(res.statusCode, res.body).toBe(201);

    expect((await call(ctx(), 'DELETE', `/api/v1/deals/${deal.id}`)).statusCode).toBeLessThan(300);
    expect((await call(ctx(), 'GET', `/api/v1/activities/${onlyDeal.json().id}`)).statusCode).toBe(404);
    const kept = await call(ctx(), 'GET', `/api/v1/activities/${shared.json().id}`);
    expect(kept.statusCode).toBe(200);
    expect(kept.json().links).toEqual([expect.objectContaining({ entity: 'person', id: person })]);
    const unlinked = await call(ctx(), 'GET', `/api/v1/tasks/${task.json().id}`);
    expect(unlinked.statusCode).toBe(200);
    expect(unlinked.json().link ?? null).toBeNull();

    expect((await call(ctx(), 'DELETE', `/api/v1/organizations/${org.id}`)).statusCode).toBeLessThan(300);
    expect((await call(ctx(), 'GET', `/api/v1/activities/${onlyOrg.json().id}`)).statusCode).toBe(404);
    const dangling = await ctx().t.db.kysely.selectFrom('activity_links').selectAll().where('record_id', 'in', [deal.id, org.id]).execute();
    expect(dangling).toEqual([]);
  });
});
