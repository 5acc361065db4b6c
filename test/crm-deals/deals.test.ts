import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp, type PeopleTestApp } from '../kernel-people/people-test-app.ts';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { dealPeopleReassigner } from '../../src/crm/deals/deal-people-reassigner.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { call, dealsSnapshot, defaultPipeline } from './deals-test-support.ts';

async function newDeal(ctx: PeopleTestApp, body: Record<string, unknown>) {
  const res = await call(ctx, 'POST', '/api/v1/deals', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Positions of a stage's deals in board order, straight from the table. */
async function positions(ctx: PeopleTestApp, stageId: string): Promise<{ id: string; position: number }[]> {
  return ctx.t.db.kysely.selectFrom('deals').select(['id', 'position']).where('stage_id', '=', stageId).orderBy('position').execute();
}

describe.each(testDialects)('deals on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('seeds a default Sales pipeline with ordered open, won and lost stages', async () => {
    const p = await defaultPipeline(ctx());
    expect(p).toMatchObject({ name: 'Sales', isDefault: true });
    expect(p.stages.map((s) => s.name)).toEqual(['Lead', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost']);
    expect(p.stages.map((s) => s.kind)).toEqual(['open', 'open', 'open', 'open', 'won', 'lost']);
  });

  it('creates a deal in the first stage of the default pipeline and records the first stage-history line', async () => {
    const p = await defaultPipeline(ctx());
    const deal = await newDeal(ctx(), { title: 'Fleet renewal', amount: 1250000, currency: 'eur', expectedCloseDate: '2026-06-30' });
    expect(deal).toMatchObject({ title: 'Fleet renewal', amount: 1250000, currency: 'EUR', pipelineId: p.id, stageId: p.stages[0]!.id, status: 'open', position: 0, personIds: [], version: 1 });
    const history = (await call(ctx(), 'GET', `/api/v1/deals/${deal.id}/stage-history`)).json().items;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ fromStageId: null, toStageName: 'Lead', actorType: 'user' });
  });

  it('refuses bad currency, negative amount, bad date, unknown stage and a stage of another pipeline, storing nothing', async () => {
    const other = await call(ctx(), 'POST', '/api/v1/pipelines', { name: 'Partners', stages: [{ name: 'Intro', probability: 5, kind: 'open' }] });
    expect(other.statusCode, other.body).toBe(201);
    const foreignStage = other.json().stages[0].id;
    const p = await defaultPipeline(ctx());
    const before = await dealsSnapshot(ctx());
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'X', currency: 'EUX' }, '/currency'],
      [{ title: 'X', currency: 'euro' }, '/currency'],
      [{ title: 'X', amount: -1 }, '/amount'],
      [{ title: 'X', amount: 1.5 }, '/amount'],
      [{ title: 'X', expectedCloseDate: '2026-02-30' }, '/expectedCloseDate'],
      [{ title: 'X', stageId: '00000000-0000-4000-8000-000000000000' }, '/stageId'],
      [{ title: 'X', pipelineId: p.id, stageId: foreignStage }, '/stageId'],
      [{ title: 'X', organizationId: '00000000-0000-4000-8000-000000000000' }, '/organizationId'],
      [{ title: 'X', personIds: ['00000000-0000-4000-8000-000000000000'] }, '/personIds'],
    ];
    for (const [body, path] of cases) {
      const res = await call(ctx(), 'POST', '/api/v1/deals', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.json().errors), JSON.stringify(body)).toContain(path);
    }
    const deal = await newDeal(ctx(), { title: 'Guarded' });
    const moved = await call(ctx(), 'POST', `/api/v1/deals/${deal.id}/move`, { stageId: foreignStage }, { 'if-match': '"1"' });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().errors[0]).toMatchObject({ path: '/stageId', message: 'stage of another pipeline' });
    await call(ctx(), 'DELETE', `/api/v1/deals/${deal.id}`);
    expect(await dealsSnapshot(ctx())).toBe(before);
  });

  it('needs If-Match to change or move a deal: 428 without, 412 when stale, nothing changed', async () => {
    const p = await defaultPipeline(ctx());
    const deal = await newDeal(ctx(), { title: 'Concurrency' });
    const url = `/api/v1/deals/${deal.id}`;
    expect((await call(ctx(), 'PATCH', url, { amount: 10 })).statusCode).toBe(428);
    expect((await call(ctx(), 'POST', `${url}/move`, { stageId: p.stages[1]!.id })).statusCode).toBe(428);
    const ok = await call(ctx(), 'PATCH', url, { amount: 10 }, { 'if-match': '"1"' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect((await call(ctx(), 'PATCH', url, { amount: 20 }, { 'if-match': '"1"' })).statusCode).toBe(412);
    expect((await call(ctx(), 'POST', `${url}/move`, { stageId: p.stages[1]!.id }, { 'if-match': '"1"' })).statusCode).toBe(412);
    expect((await call(ctx(), 'GET', url)).json()).toMatchObject({ amount: 10, stageId: p.stages[0]!.id, version: 2 });
  });

  it('replays an idempotent create and refuses the same key with another body', async () => {
    const h = { 'idempotency-key': 'deal-key-1' };
    const a = await call(ctx(), 'POST', '/api/v1/deals', { title: 'Idem deal' }, h);
    const b = await call(ctx(), 'POST', '/api/v1/deals', { title: 'Idem deal' }, h);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json().id).toBe(a.json().id);
    expect((await call(ctx(), 'POST', '/api/v1/deals', { title: 'Other deal' }, h)).statusCode).toBe(422);
    expect(await ctx().t.db.kysely.selectFrom('deals').select('id').where('title', 'in', ['Idem deal', 'Other deal']).execute()).toHaveLength(1);
  });

  it('moves deals on the board keeping every stage numbered 0…n-1, records stage history and closes won deals', async () => {
    const p = await defaultPipeline(ctx());
    const [lead, qualified, , , won] = p.stages.map((s) => s.id) as [string, string, string, string, string];
    const a = await newDeal(ctx(), { title: 'Board A', stageId: qualified });
    const b = await newDeal(ctx(), { title: 'Board B', stageId: qualified });
    const c = await newDeal(ctx(), { title: 'Board C', stageId: qualified });
    // C to the top of its own column.
    const top = await call(ctx(), 'POST', `/api/v1/deals/${c.id}/move`, { stageId: qualified, position: 0 }, { 'if-match': '"1"' });
    expect(top.statusCode, top.body).toBe(200);
    expect((await positions(ctx(), qualified)).map((d) => d.id)).toEqual([c.id, a.id, b.id]);
    // A across to the Lead column at a position past its end (clamped).
    const across = await call(ctx(), 'POST', `/api/v1/deals/${a.id}/move`, { stageId: lead, position: 999 }, { 'if-match': '"1"' });
    expect(across.json()).toMatchObject({ stageId: lead, version: 2 });
    for (const stage of [lead, qualified]) {
      const rows = await positions(ctx(), stage);
      expect(rows.map((r) => r.position)).toEqual(rows.map((_, i) => i));
    }
    expect((await positions(ctx(), qualified)).map((d) => d.id)).toEqual([c.id, b.id]);
    expect((await positions(ctx(), lead)).at(-1)?.id).toBe(a.id);
    // B is won, with a reason.
    const win = await call(ctx(), 'POST', `/api/v1/deals/${b.id}/move`, { stageId: won, closeReason: 'Best price' }, { 'if-match': '"1"' });
    expect(win.json()).toMatchObject({ status: 'won', closeReason: 'Best price', closedAt: '2026-03-02T10:00:00.000Z' });
    const history = (await call(ctx(), 'GET', `/api/v1/deals/${b.id}/stage-history`)).json().items;
    expect(history.map((h: { fromStageName: string | null; toStageName: string }) => `${h.fromStageName}->${h.toStageName}`)).toEqual(['null->Qualified', 'Qualified->Won']);
    const board = (await call(ctx(), 'GET', `/api/v1/pipelines/${p.id}/board`)).json();
    const wonColumn = board.columns.find((col: { stage: { id: string } }) => col.stage.id === won);
    expect(wonColumn.deals.map((d: { id: string }) => d.id)).toContain(b.id);
    expect(board.columns.map((col: { stage: { name: string } }) => col.stage.name)).toEqual(p.stages.map((s) => s.name));
  });

  it('totals the board per stage and currency, weighted by probability', async () => {
    const created = await call(ctx(), 'POST', '/api/v1/pipelines', { name: 'Totals', stages: [{ name: 'Half', probability: 50, kind: 'open' }, { name: 'Done', probability: 100, kind: 'won' }] });
    const p = created.json();
    await newDeal(ctx(), { title: 'T1', pipelineId: p.id, amount: 1000, currency: 'EUR' });
    await newDeal(ctx(), { title: 'T2', pipelineId: p.id, amount: 501, currency: 'EUR' });
    await newDeal(ctx(), { title: 'T3', pipelineId: p.id, amount: 700, currency: 'USD' });
    const board = (await call(ctx(), 'GET', `/api/v1/pipelines/${p.id}/board`)).json();
    expect(board.columns[0]).toMatchObject({ count: 3, totals: [{ currency: 'EUR', amount: 1501, weighted: 751 }, { currency: 'USD', amount: 700, weighted: 350 }] });
    expect(board.columns[1]).toMatchObject({ count: 0, totals: [], deals: [] });
  });

  it('lists deals with filters, sort and a cursor', async () => {
    const org = (await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Listed Org' })).json();
    for (const [title, amount, date] of [['L1', 300, '2026-05-01'], ['L2', 100, '2026-07-01'], ['L3', 200, null]] as const) {
      await newDeal(ctx(), { title, amount, organizationId: org.id, expectedCloseDate: date });
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(ctx(), 'GET', `/api/v1/deals?organizationId=${org.id}&sort=-amount&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().items.map((d: { amount: number }) => d.amount));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual([300, 200, 100]);
    const ranged = (await call(ctx(), 'GET', `/api/v1/deals?organizationId=${org.id}&closeFrom=2026-06-01&closeTo=2026-12-31`)).json();
    expect(ranged.items.map((d: { title: string }) => d.title)).toEqual(['L2']);
    const byDate = (await call(ctx(), 'GET', `/api/v1/deals?organizationId=${org.id}&sort=expectedCloseDate&limit=1`)).json();
    const next = (await call(ctx(), 'GET', `/api/v1/deals?organizationId=${org.id}&sort=expectedCloseDate&limit=5&cursor=${byDate.nextCursor}`)).json();
    expect([...byDate.items, ...next.items].map((d: { title: string }) => d.title)).toEqual(['L1', 'L2', 'L3']);
    expect((await call(ctx(), 'GET', '/api/v1/deals?status=won&stageId=nope')).statusCode).toBe(400);
  });

  it('links people through the gate, filters by person, and unlinks an erased person while keeping the deal', async () => {
    const person = (await call(ctx(), 'POST', '/api/v1/people', { firstName: 'Linus', lastName: 'Linked' })).json();
    const deal = await newDeal(ctx(), { title: 'With people', personIds: [person.id] });
    expect(deal.personIds).toEqual([person.id]);
    const linkAudit = await ctx().t.db.kysely.selectFrom('audit_log').select(['action', 'outcome']).where('subject_pseudonym', '=', person.pseudonym).where('action', '=', 'processing.write').execute();
    expect(linkAudit).toEqual([{ action: 'processing.write', outcome: 'allowed' }]);
    const mine = (await call(ctx(), 'GET', `/api/v1/deals?personId=${person.id}`)).json();
    expect(mine.items.map((d: { id: string }) => d.id)).toEqual([deal.id]);
    const erased = await call(ctx(), 'DELETE', `/api/v1/people/${person.id}`);
    expect(erased.statusCode, erased.body).toBe(200);
    const after = (await call(ctx(), 'GET', `/api/v1/deals/${deal.id}`)).json();
    expect(after).toMatchObject({ title: 'With people', personIds: [] });
    expect(await ctx().t.db.kysely.selectFrom('deal_people').selectAll().where('person_id', '=', person.id).execute()).toEqual([]);
  });

  it('refuses to link a person the gate refuses (restricted), audits the refusal and stores nothing', async () => {
    const person = (await call(ctx(), 'POST', '/api/v1/people', { firstName: 'Rita', lastName: 'Restricted' })).json();
    const restrict = await call(ctx(), 'PUT', `/api/v1/people/${person.id}/restriction`, { reason: 'accuracy_contested' }, ctx().as.privacy_officer);
    expect(restrict.statusCode, restrict.body).toBeLessThan(300);
    const before = await dealsSnapshot(ctx());
    const res = await call(ctx(), 'POST', '/api/v1/deals', { title: 'Should not link', personIds: [person.id] });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('RESTRICTED');
    expect(await dealsSnapshot(ctx())).toBe(before);
    const denied = await ctx().t.db.kysely.selectFrom('audit_log').select('outcome').where('subject_pseudonym', '=', person.pseudonym).where('action', '=', 'processing.write').execute();
    expect(denied).toEqual([{ outcome: 'denied' }]);
  });

  it('refuses to remove a stage holding deals unless they are moved, then moves them with history', async () => {
    const p = (await call(ctx(), 'POST', '/api/v1/pipelines', { name: 'Shrinking', stages: [{ name: 'One', probability: 10, kind: 'open' }, { name: 'Two', probability: 20, kind: 'open' }, { name: 'Three', probability: 30, kind: 'open' }] })).json();
    const [one, two, three] = p.stages.map((s: { id: string }) => s.id);
    const d1 = await newDeal(ctx(), { title: 'S1', stageId: two });
    await newDeal(ctx(), { title: 'S0', stageId: one });
    const url = `/api/v1/pipelines/${p.id}/stages/${two}`;
    expect((await call(ctx(), 'DELETE', url)).statusCode).toBe(428);
    const refused = await call(ctx(), 'DELETE', url, undefined, { 'if-match': `"${p.version}"` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'CONFLICT', deals: 1 });
    const moved = await call(ctx(), 'DELETE', `${url}?moveDealsTo=${one}`, undefined, { 'if-match': `"${p.version}"` });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().stages.map((s: { name: string; position: number }) => `${s.position}:${s.name}`)).toEqual(['0:One', '1:Three']);
    expect((await call(ctx(), 'GET', `/api/v1/deals/${d1.id}`)).json()).toMatchObject({ stageId: one, position: 1 });
    const history = (await call(ctx(), 'GET', `/api/v1/deals/${d1.id}/stage-history`)).json().items;
    expect(history.at(-1)).toMatchObject({ fromStageName: 'Two', toStageName: 'One' });
    // Reorder and rename with the new version; a stale version is refused.
    const v = moved.json().version;
    const reordered = await call(ctx(), 'PUT', `/api/v1/pipelines/${p.id}/stage-order`, { stageIds: [three, one] }, { 'if-match': `"${v}"` });
    expect(reordered.json().stages.map((s: { name: string }) => s.name)).toEqual(['Three', 'One']);
    expect((await call(ctx(), 'PUT', `/api/v1/pipelines/${p.id}/stage-order`, { stageIds: [one, three] }, { 'if-match': `"${v}"` })).statusCode).toBe(412);
    expect((await call(ctx(), 'PUT', `/api/v1/pipelines/${p.id}/stage-order`, { stageIds: [one] }, { 'if-match': `"${v + 1}"` })).statusCode).toBe(400);
    const renamed = await call(ctx(), 'PATCH', `/api/v1/pipelines/${p.id}/stages/${three}`, { name: 'Closing', probability: 90 }, { 'if-match': `"${v + 1}"` });
    expect(renamed.json().stages[0]).toMatchObject({ name: 'Closing', probability: 90 });
    expect((await call(ctx(), 'DELETE', `/api/v1/pipelines/${p.id}`)).statusCode).toBe(409);
  });

  it('needs crm:configure for pipelines: the sales role may read and move deals but not change stages', async () => {
    const p = await defaultPipeline(ctx());
    const sales = ctx().as.sales;
    expect((await call(ctx(), 'GET', '/api/v1/pipelines', undefined, sales)).statusCode).toBe(200);
    const res = await call(ctx(), 'PATCH', `/api/v1/pipelines/${p.id}`, { name: 'Renamed' }, { ...sales, 'if-match': `"${p.version}"` });
    expect(res.statusCode).toBe(403);
  });

  it('shows stage changes on the deal timeline and the organization’s (deal-stages source)', async () => {
    const p = await defaultPipeline(ctx());
    const org = (await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Timeline Org' })).json();
    const deal = await newDeal(ctx(), { title: 'Timeline deal', organizationId: org.id });
    await call(ctx(), 'POST', `/api/v1/deals/${deal.id}/move`, { stageId: p.stages[2]!.id }, { 'if-match': '"1"' });
    const res = await call(ctx(), 'GET', `/api/v1/deals/${deal.id}/timeline?limit=20`);
    expect(res.statusCode, res.body).toBe(200);
    const kinds = res.json().items.filter((e: { id: string }) => e.id.startsWith('deal-stages:')).map((e: { kind: string; title: string }) => `${e.kind}: ${e.title}`);
    expect(kinds).toEqual(['deal.stage_changed: Moved from Lead to Proposal', 'deal.created: Created in Lead']);
    const orgTimeline = (await call(ctx(), 'GET', `/api/v1/organizations/${org.id}/timeline?limit=20`)).json();
    expect(orgTimeline.items.map((e: { title: string }) => e.title)).toEqual(expect.arrayContaining(['Timeline deal: Moved from Lead to Proposal']));
  });

  it('moves deal links to the kept person on a merge, without duplicate links', async () => {
    const kept = (await call(ctx(), 'POST', '/api/v1/people', { firstName: 'Kept' })).json();
    const gone = (await call(ctx(), 'POST', '/api/v1/people', { firstName: 'Merged' })).json();
    const both = await newDeal(ctx(), { title: 'Both linked', personIds: [kept.id, gone.id] });
    const one = await newDeal(ctx(), { title: 'One linked', personIds: [gone.id] });
    const db = ctx().t.db.kysely;
    const moved = await db.transaction().execute(async (trx) => {
      const keys = ctx().services.keys;
      const fromKey = await keys.getDataKey(trx, ctx().workspaceId, gone.id);
      const toKey = await keys.getDataKey(trx, ctx().workspaceId, kept.id);
      return dealPeopleReassigner.reassign(trx, { workspaceId: ctx().workspaceId, fromPersonId: gone.id, toPersonId: kept.id, fromKey, toKey });
    });
    expect(moved).toBe(2);
    expect((await call(ctx(), 'GET', `/api/v1/deals/${both.id}`)).json().personIds).toEqual([kept.id]);
    expect((await call(ctx(), 'GET', `/api/v1/deals/${one.id}`)).json().personIds).toEqual([kept.id]);
  });

  it('keeps positions dense when many moves in one pipeline run at once', async () => {
    const created = await call(ctx(), 'POST', '/api/v1/pipelines', { name: 'Race', stages: [{ name: 'A', probability: 10, kind: 'open' }, { name: 'B', probability: 50, kind: 'open' }] });
    const [a, b] = created.json().stages.map((s: { id: string }) => s.id);
    const deals = [];
    for (let i = 0; i < 8; i += 1) deals.push(await newDeal(ctx(), { title: `Race ${i}`, stageId: a }));
    const answers = await Promise.all(deals.map((d, i) => call(ctx(), 'POST', `/api/v1/deals/${d.id}/move`, { stageId: i % 2 ? b : a, position: 0 }, { 'if-match': '"1"' })));
    expect(answers.map((r) => r.statusCode)).toEqual(deals.map(() => 200));
    for (const stage of [a, b]) {
      const rows = await positions(ctx(), stage);
      expect(rows.map((r) => r.position)).toEqual(rows.map((_, i) => i));
    }
    expect((await positions(ctx(), a)).length + (await positions(ctx(), b)).length).toBe(8);
  });

  it('refuses another workspace’s organization, pipeline, stage and person in a deal, and never shows its deals', async () => {
    const other = await createWorkspace({ db: ctx().t.db.kysely, clock: ctx().clock, seeders: workspaceSeeders }, { name: 'Elsewhere' });
    const { token } = await insertTokenForRole(ctx().t.db.kysely, other, 'owner');
    const theirs = { authorization: `Bearer ${token}` };
    const org = (await call(ctx(), 'POST', '/api/v1/organizations', { name: 'Their org' }, theirs)).json();
    const person = (await call(ctx(), 'POST', '/api/v1/people', { firstName: 'Their', lastName: 'Person' }, theirs)).json();
    const pipeline = (await call(ctx(), 'GET', '/api/v1/pipelines', undefined, theirs)).json().items[0];
    const deal = (await call(ctx(), 'POST', '/api/v1/deals', { title: 'Their deal', organizationId: org.id }, theirs)).json();
    const before = await dealsSnapshot(ctx());
    for (const [body, path] of [
      [{ title: 'X', organizationId: org.id }, '/organizationId'],
      [{ title: 'X', pipelineId: pipeline.id }, '/pipelineId'],
      [{ title: 'X', stageId: pipeline.stages[1].id }, '/stageId'],
      [{ title: 'X', personIds: [person.id] }, '/personIds'],
    ] as const) {
      const res = await call(ctx(), 'POST', '/api/v1/deals', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors[0].path).toBe(path);
    }
    expect(await dealsSnapshot(ctx())).toBe(before);
    expect((await call(ctx(), 'GET', `/api/v1/deals/${deal.id}`)).statusCode).toBe(404);
    expect((await call(ctx(), 'GET', `/api/v1/deals?organizationId=${org.id}`)).json().items).toEqual([]);
    expect((await call(ctx(), 'GET', `/api/v1/pipelines/${pipeline.id}/board`)).statusCode).toBe(404);
  });

  it('moves a deal down and up within its column and closes the gap when a deal is deleted', async () => {
    const created = await call(ctx(), 'POST', '/api/v1/pipelines', { name: 'Column', stages: [{ name: 'Only', probability: 10, kind: 'open' }] });
    const stage = created.json().stages[0].id;
    const [d0, d1, d2, d3] = [await newDeal(ctx(), { title: 'C0', stageId: stage }), await newDeal(ctx(), { title: 'C1', stageId: stage }), await newDeal(ctx(), { title: 'C2', stageId: stage }), await newDeal(ctx(), { title: 'C3', stageId: stage })];
    const order = async () => (await positions(ctx(), stage)).map((r) => r.id);
    await call(ctx(), 'POST', `/api/v1/deals/${d0.id}/move`, { stageId: stage, position: 2 }, { 'if-match': '"1"' });
    expect(await order()).toEqual([d1.id, d2.id, d0.id, d3.id]);
    await call(ctx(), 'POST', `/api/v1/deals/${d3.id}/move`, { stageId: stage, position: 1 }, { 'if-match': '"1"' });
    expect(await order()).toEqual([d1.id, d3.id, d2.id, d0.id]);
    await call(ctx(), 'DELETE', `/api/v1/deals/${d3.id}`);
    const rows = await positions(ctx(), stage);
    expect(rows.map((r) => `${r.position}:${r.id}`)).toEqual([`0:${d1.id}`, `1:${d2.id}`, `2:${d0.id}`]);
  });

  it('limits the board to an owner’s deals and to `perStage` cards per column, keeping the full counts', async () => {
    const p = (await call(ctx(), 'POST', '/api/v1/pipelines', { name: 'Owners', stages: [{ name: 'S1', probability: 10, kind: 'open' }, { name: 'S2', probability: 20, kind: 'open' }] })).json();
    const user = await ctx().t.db.kysely.selectFrom('users').select('id').where('workspace_id', '=', ctx().workspaceId).orderBy('created_at').executeTakeFirstOrThrow();
    await newDeal(ctx(), { title: 'Owned 1', pipelineId: p.id, ownerUserId: user.id });
    await newDeal(ctx(), { title: 'Unowned', pipelineId: p.id });
    await newDeal(ctx(), { title: 'Owned 2', pipelineId: p.id, ownerUserId: user.id });
    const mine = (await call(ctx(), 'GET', `/api/v1/pipelines/${p.id}/board?ownerUserId=${user.id}`)).json();
    expect(mine.columns[0].deals.map((d: { title: string }) => d.title)).toEqual(['Owned 1', 'Owned 2']);
    expect(mine.columns[0].count).toBe(2);
    const firstTwo = (await call(ctx(), 'GET', `/api/v1/pipelines/${p.id}/board?perStage=2`)).json();
    expect(firstTwo.columns[0].deals.map((d: { title: string }) => d.title)).toEqual(['Owned 1', 'Unowned']);
    expect(firstTwo.columns[0].count).toBe(3);
  });
});
