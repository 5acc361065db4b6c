import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/kernel/audit/verify-audit-chain.ts';
import { compareDue, duePersonPages, findDuePersons } from '../../src/rights/retention/retention-due.ts';
import { previewDue } from '../../src/rights/retention/retention-preview.ts';
import { createRetentionSweeper } from '../../src/rights/retention/retention-sweeps.ts';
import { testDialects } from '../support/test-database.ts';
import { createPerson, createPolicy, days, json, useFreshRetentionApp } from './retention-test-app.ts';
import type { PeopleTestApp } from '../kernel-people/people-test-app.ts';

/** Nine persons created a day apart (so their due dates differ), one of them under a legal hold. */
async function staggered(c: PeopleTestApp) {
  const people: { id: string; pseudonym: string }[] = [];
  for (let i = 0; i < 9; i += 1) {
    people.push(await createPerson(c, { firstName: `S${i}`, email: `s${i}@example.test` }));
    c.clock.advance(days(1));
  }
  const held = people[4] as { id: string };
  const hold = await c.app.inject({
    method: 'POST',
    url: '/api/v1/legal-holds',
    headers: { ...c.as.owner, ...json },
    payload: { matter: 'CASE-9', personIds: [held.id], reason: 'litigation' },
  });
  expect(hold.statusCode, hold.body).toBe(201);
  await createPolicy(c, { name: 'Week', period: 'P7D', startEvent: 'creation', action: 'delete' });
  c.clock.advance(days(30));
  return { people, held };
}

describe.each(testDialects)('retention selection paged through the workspace on %s', (dialect) => {
  const ctx = useFreshRetentionApp(dialect);

  it('pages of two persons give the same due list as one pass, and the preview folded from them matches it', async () => {
    const c = ctx();
    await staggered(c);
    const policies = await c.services.retention.policies.list(c.t.db.kysely, c.workspaceId, { activeOnly: true });
    const now = c.clock.now().toISOString();
    const pages: string[][] = [];
    for await (const page of duePersonPages(c.t.db.kysely, c.workspaceId, policies, now, { pageSize: 2 })) {
      expect(page.length).toBeLessThanOrEqual(2);
      const ids = page.map((p) => p.personId);
      expect(ids).toEqual([...ids].sort());
      pages.push(ids);
    }
    expect(pages.length).toBeGreaterThanOrEqual(5);
    const all = await findDuePersons(c.t.db.kysely, c.workspaceId, policies, now);
    expect(all).toHaveLength(9);
    expect(pages.flat().sort()).toEqual(all.map((p) => p.personId).sort());

    // The preview's page as the whole sorted list would give it, folded from pages of two.
    const free = all.filter((p) => p.holdIds.length === 0).sort(compareDue);
    const blocked = all.filter((p) => p.holdIds.length > 0);
    const cursorAt = free[2] as (typeof free)[number];
    const preview = await previewDue(duePersonPages(c.t.db.kysely, c.workspaceId, policies, now, { pageSize: 2 }), {
      limit: 3,
      after: [cursorAt.dueAt, cursorAt.personId],
      blockedShown: 5,
    });
    expect(preview.items).toEqual(free.slice(3, 6));
    expect(preview.more).toBe(true);
    expect(preview).toMatchObject({ total: 8, blockedTotal: 1 });
    expect(preview.blocked).toEqual(blocked);
    expect(preview.perPolicy).toEqual([expect.objectContaining({ due: 8, blocked: 1 })]);
    const tail = await previewDue(duePersonPages(c.t.db.kysely, c.workspaceId, policies, now, { pageSize: 2 }), {
      limit: 3,
      after: [(free[5] as (typeof free)[number]).dueAt, (free[5] as (typeof free)[number]).personId],
      blockedShown: 0,
    });
    expect(tail.items).toEqual(free.slice(6));
    expect(tail.more).toBe(false);
    expect(tail.blocked).toEqual([]);
  });

  it('a sweep in batches of two erases every free due person once, leaves the held one, and the chain verifies', async () => {
    const c = ctx();
    const { people, held } = await staggered(c);
    const sweeper = createRetentionSweeper({
      db: c.t.db,
      clock: c.clock,
      policies: c.services.retention.policies,
      batch: c.services.retention.batchErasure,
      pipeline: c.services.erasure,
      batchSize: 2,
    });
    const run = await sweeper.sweep(c.workspaceId, { trigger: 'api', actor: { type: 'system', id: 'test' } });
    expect(run).toMatchObject({ status: 'completed', due: 9, erased: 8, blocked: 1, failed: 0 });
    const rows = await c.t.db.kysely.selectFrom('persons').select(['id', 'erased_at']).execute();
    const erased = new Set(rows.filter((r) => r.erased_at !== null).map((r) => r.id));
    expect([...erased].sort()).toEqual(people.filter((p) => p.id !== held.id).map((p) => p.id).sort());
    const certificates = await c.t.db.kysely.selectFrom('erasure_certificates').select('subject_pseudonym').execute();
    expect(certificates.map((x) => x.subject_pseudonym).sort()).toEqual(
      people.filter((p) => p.id !== held.id).map((p) => p.pseudonym).sort(),
    );
    expect((await verifyAuditChain(c.t.db, { workspaceId: c.workspaceId })).ok).toBe(true);
  });

  it('every eraser Custodian registers declares its set-wise form, so the batch runs none of them person by person', async () => {
    const c = ctx();
    const erasers = c.services.erasure.erasers.list();
    expect(erasers.length).toBeGreaterThanOrEqual(8);
    expect(erasers.filter((e) => !e.eraseMany).map((e) => e.name)).toEqual([]);
  });
});
