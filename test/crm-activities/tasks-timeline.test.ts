import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../src/crm/timeline/timeline-source.ts';
import { dueInstant, isOverdue, noDueSort } from '../../src/crm/tasks/task-due.ts';
import { testDialects } from '../support/test-database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';

const json = { 'content-type': 'application/json' };

describe('task due rules', () => {
  it('a task without a time is overdue once its whole day has passed; with a time, once that minute has passed', () => {
    const dayOnly = dueInstant('2026-03-01', null)!;
    expect(isOverdue({ status: 'open', dueSort: dayOnly }, new Date('2026-03-01T23:59:59.000Z'))).toBe(false);
    expect(isOverdue({ status: 'open', dueSort: dayOnly }, new Date('2026-03-02T00:00:00.000Z'))).toBe(true);
    const timed = dueInstant('2026-03-01', '09:30')!;
    expect(isOverdue({ status: 'open', dueSort: timed }, new Date('2026-03-01T09:30:00.000Z'))).toBe(false);
    expect(isOverdue({ status: 'open', dueSort: timed }, new Date('2026-03-01T09:30:00.001Z'))).toBe(true);
    expect(isOverdue({ status: 'done', dueSort: timed }, new Date('2027-01-01T00:00:00Z'))).toBe(false);
    expect(isOverdue({ status: 'open', dueSort: noDueSort }, new Date('9999-12-31T23:59:59.999Z'))).toBe(false);
  });
});

describe.each(testDialects)('tasks and timelines on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const db = () => ctx().t.db.kysely;
  let me: { authorization: string };
  let myId = '';
  let colleagueId = '';

  beforeAll(async () => {
    const mine = await insertTokenForRole(db(), ctx().workspaceId, 'sales');
    me = { authorization: `Bearer ${mine.token}` };
    myId = mine.userId;
    colleagueId = (await insertTokenForRole(db(), ctx().workspaceId, 'sales')).userId;
  });

  const person = async (firstName: string): Promise<string> => {
    const res = await ctx().app.inject({ method: 'POST', url: '/api/v1/people', headers: { ...me, ...json }, payload: { firstName } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const createTask = (payload: Record<string, unknown>) => ctx().app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { ...me, ...json }, payload });
  const myOpenTasks = async (query = '') => {
    const res = await ctx().app.inject({ method: 'GET', url: `/api/v1/tasks?assignee=me&status=open${query}`, headers: me });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: { id: string; title: string | null; overdue: boolean; hidden: boolean }[]; nextCursor: string | null };
  };

  it('lists my open tasks by due time with the overdue flag from the workspace clock, and completing one takes it off', async () => {
    const ada = await person('Ada');
    // The clock is fixed at 2026-03-02T10:00Z.
    const yesterday = await createTask({ title: 'Call Ada back', dueDate: '2026-03-01', assigneeId: myId, link: { entity: 'person', id: ada }, priority: 'high' });
    expect(yesterday.statusCode, yesterday.body).toBe(201);
    expect(yesterday.json()).toMatchObject({ overdue: true, dueAt: '2026-03-01T23:59:59.999Z', status: 'open', priority: 'high' });
    const todayLater = await createTask({ title: 'Prepare the offer', dueDate: '2026-03-02', dueTime: '15:00', assigneeId: myId });
    const todayEarlier = await createTask({ title: 'Morning stand-up notes', dueDate: '2026-03-02', dueTime: '09:00', assigneeId: myId });
    const undated = await createTask({ title: 'Someday', assigneeId: myId });
    const colleagues = await createTask({ title: 'Not mine', dueDate: '2026-02-01', assigneeId: colleagueId });
    expect(colleagues.statusCode).toBe(201);

    const list = await myOpenTasks();
    expect(list.items.map((t) => t.id)).toEqual([yesterday.json().id, todayEarlier.json().id, todayLater.json().id, undated.json().id]);
    expect(list.items.map((t) => t.overdue)).toEqual([true, true, false, false]);
    expect(list.items[0]!.title).toBe('Call Ada back');
    expect((await myOpenTasks('&overdue=true')).items.map((t) => t.id)).toEqual([yesterday.json().id, todayEarlier.json().id]);

    // The same tasks, a day later by the clock.
    ctx().clock.set(new Date('2026-03-03T10:00:00.000Z'));
    try {
      expect((await myOpenTasks('&overdue=true')).items).toHaveLength(3);
    } finally {
      ctx().clock.set(new Date('2026-03-02T10:00:00.000Z'));
    }

    const done = await ctx().app.inject({
      method: 'PATCH',
      url: `/api/v1/tasks/${yesterday.json().id}`,
      headers: { ...me, ...json, 'if-match': '"1"' },
      payload: { status: 'done' },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', overdue: false, completedAt: '2026-03-02T10:00:00.000Z', title: 'Call Ada back' });
    expect((await myOpenTasks()).items.map((t) => t.id)).not.toContain(yesterday.json().id);
  });

  it('pages my tasks with a cursor, without repeats or gaps', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createTask({ title: `Batch ${i}`, dueDate: '2026-04-01', assigneeId: colleagueId })).json().id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/tasks?assignee=${colleagueId}&dueBefore=2026-04-01&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await ctx().app.inject({ method: 'GET', url, headers: me });
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().items.map((t: { id: string }) => t.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('encrypts the title of a task about a person and keeps others plain', async () => {
    const grace = await person('Grace');
    const about = await createTask({ title: 'Ask Grace about the compiler', link: { entity: 'person', id: grace } });
    const plain = await createTask({ title: 'Order printer paper' });
    const rows = await db().selectFrom('tasks').selectAll().where('id', 'in', [about.json().id, plain.json().id]).execute();
    const enc = rows.find((r) => r.id === about.json().id)!;
    expect(enc.title_text).toBeNull();
    expect(Buffer.from(enc.title_enc!).toString('latin1')).not.toContain('compiler');
    expect(rows.find((r) => r.id === plain.json().id)).toMatchObject({ title_text: 'Order printer paper', title_enc: null });
  });

  it('refuses bad task input and changes nothing', async () => {
    const count = async () => Number((await db().selectFrom('tasks').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const bad: Record<string, unknown>[] = [
      { title: 'x', dueDate: '2026-02-30' },
      { title: 'x', dueDate: '2026-03-01', dueTime: '25:00' },
      { title: 'x', dueTime: '10:00' },
      { title: 'x', assigneeId: randomUUID() },
      { title: 'x', link: { entity: 'organization', id: randomUUID() } },
      { title: 'x', link: { entity: 'person', id: randomUUID() } },
      { title: '  ' },
      { title: 'x', status: 'maybe' },
    ];
    for (const payload of bad) {
      const res = await createTask(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(await count()).toBe(before);
    const task = (await createTask({ title: 'Keep me', dueDate: '2026-03-05' })).json();
    const stale = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/tasks/${task.id}`, headers: { ...me, ...json, 'if-match': '"7"' }, payload: { status: 'done' } });
    expect(stale.statusCode).toBe(412);
    const badDate = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/tasks/${task.id}`, headers: { ...me, ...json, 'if-match': '"1"' }, payload: { dueDate: '2026-02-31' } });
    expect(badDate.statusCode).toBe(400);
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/tasks/${task.id}`, headers: me });
    expect(read.json()).toMatchObject({ title: 'Keep me', dueDate: '2026-03-05', status: 'open', version: 1 });
    const badCursor = await ctx().app.inject({ method: 'GET', url: '/api/v1/tasks?cursor=bm9wZQ', headers: me });
    expect(badCursor.statusCode).toBe(400);
  });

  it('merges every source of a record’s timeline newest first and pages through ties without loss or repeats', async () => {
    const alan = await person('Alan');
    // A second source, as the contacts and deals features register theirs; it shares timestamps with activities.
    ctx().services.timelineSources.register({
      name: 'test-rectifications',
      entities: ['person'],
      async load(_db, _ctx, record, page) {
        if (record.id !== alan) return [];
        const all: TimelineEntry[] = [
          { id: 'test:3', at: '2026-03-01T12:00:00.000Z', kind: 'person.rectified', title: 'Rectified 3' },
          { id: 'test:2', at: '2026-03-01T10:00:00.000Z', kind: 'person.rectified', title: 'Rectified 2' },
          { id: 'test:1', at: '2026-02-01T10:00:00.000Z', kind: 'person.rectified', title: 'Rectified 1' },
        ];
        return all.filter((e) => page.before === undefined || e.at < page.before).slice(0, page.limit);
      },
    });
    const log = async (subject: string, occurredAt: string) => {
      const res = await ctx().app.inject({ method: 'POST', url: '/api/v1/activities', headers: { ...me, ...json }, payload: { type: 'note', subject, occurredAt, links: [{ entity: 'person', id: alan }] } });
      expect(res.statusCode, res.body).toBe(201);
    };
    await log('Note A', '2026-03-01T10:00:00Z');
    await log('Note B', '2026-03-01T10:00:00Z');
    await log('Note C', '2026-03-01T11:00:00+01:00');
    await log('Note D', '2026-03-02T09:00:00Z');
    const task = await createTask({ title: 'Follow up Alan', link: { entity: 'person', id: alan } });
    expect(task.statusCode).toBe(201);

    const everything = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${alan}/timeline?limit=100`, headers: me });
    expect(everything.statusCode, everything.body).toBe(200);
    // Other features' sources (the person's own creation, rectifications…) may add entries: look at ours.
    const ours = (id: string) => /^(activity|task|test):/.test(id);
    const all = (everything.json().items as { id: string; at: string; title: string }[]).filter((e) => ours(e.id));
    // Ties at one instant are ordered by entry id, newest first ('test:' after 'activity:').
    expect(all.map((e) => e.title).slice(0, 4)).toEqual(['Follow up Alan', 'Note D', 'Rectified 3', 'Rectified 2']);
    expect(all.slice(4, 7).map((e) => e.title).sort()).toEqual(['Note A', 'Note B', 'Note C']);
    expect(all[7]!.title).toBe('Rectified 1');
    expect(all).toHaveLength(8);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.at >= all[i]!.at).toBe(true);

    // Pages of two cross the four entries at 10:00 and 11:00 (Note C is 10:00Z too) without losing any.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/people/${alan}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await ctx().app.inject({ method: 'GET', url, headers: me });
      expect(res.statusCode, res.body).toBe(200);
      paged.push(...res.json().items.map((e: { id: string }) => e.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(paged.filter(ours)).toEqual(all.map((e) => e.id));
    expect(paged).toEqual(everything.json().items.map((e: { id: string }) => e.id));

    const before = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${alan}/timeline?before=2026-03-01T10:00:00Z`, headers: me });
    expect(before.json().items.filter((e: { id: string }) => ours(e.id)).map((e: { title: string }) => e.title)).toEqual(['Rectified 1']);
    const badBefore = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${alan}/timeline?before=2026-02-30T00:00:00Z`, headers: me });
    expect(badBefore.statusCode).toBe(400);
    const unknown = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${randomUUID()}/timeline`, headers: me });
    expect(unknown.statusCode).toBe(404);
  });

  it('shows an organization’s and a deal’s timelines, merged with the deal’s stage changes, and hides only what a refused person concerns', async () => {
    const org = await ctx().app.inject({ method: 'POST', url: '/api/v1/organizations', headers: { ...me, ...json }, payload: { name: 'Analytical Engines Ltd' } });
    expect(org.statusCode, org.body).toBe(201);
    const deal = await ctx().app.inject({ method: 'POST', url: '/api/v1/deals', headers: { ...me, ...json }, payload: { title: 'Engine No. 2', amount: 1000, currency: 'EUR' } });
    expect(deal.statusCode, deal.body).toBe(201);
    const objecting = await person('Objecting');
    const log = (subject: string, links: { entity: string; id: string }[]) =>
      ctx().app.inject({ method: 'POST', url: '/api/v1/activities', headers: { ...me, ...json }, payload: { type: 'meeting', subject, occurredAt: '2026-03-02T08:00:00Z', links } });
    expect((await log('Board meeting', [{ entity: 'organization', id: org.json().id }, { entity: 'deal', id: deal.json().id }])).statusCode).toBe(201);
    expect((await log('Met the objector', [{ entity: 'person', id: objecting }, { entity: 'organization', id: org.json().id }])).statusCode).toBe(201);
    const objection = await ctx().app.inject({ method: 'POST', url: `/api/v1/people/${objecting}/objections`, headers: { ...ctx().as.owner, ...json }, payload: { purpose: 'crm' } });
    expect(objection.statusCode, objection.body).toBe(201);

    const orgTimeline = await ctx().app.inject({ method: 'GET', url: `/api/v1/organizations/${org.json().id}/timeline`, headers: me });
    expect(orgTimeline.statusCode, orgTimeline.body).toBe(200);
    const orgItems = orgTimeline.json().items as { title: string; facts: { hidden: boolean } }[];
    expect(orgItems.map((e) => e.facts.hidden).sort()).toEqual([false, true]);
    expect(orgItems.some((e) => e.title === 'Board meeting')).toBe(true);
    expect(orgTimeline.body).not.toContain('Met the objector');

    const dealTimeline = await ctx().app.inject({ method: 'GET', url: `/api/v1/deals/${deal.json().id}/timeline`, headers: me });
    expect(dealTimeline.statusCode, dealTimeline.body).toBe(200);
    expect(dealTimeline.json().items.map((e: { kind: string }) => e.kind)).toEqual(['deal.created', 'activity.meeting']);
    const unknownOrg = await ctx().app.inject({ method: 'GET', url: `/api/v1/organizations/${randomUUID()}/timeline`, headers: me });
    expect(unknownOrg.statusCode).toBe(404);
  });
});
