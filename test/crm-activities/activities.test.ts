import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/kernel/audit/verify-audit-chain.ts';
import { testDialects } from '../support/test-database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';

const json = { 'content-type': 'application/json' };

describe.each(testDialects)('activities on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const db = () => ctx().t.db.kysely;
  /** A role with CRM permissions and the crm purpose but no private content category. */
  let noContent: { authorization: string };

  beforeAll(async () => {
    const at = ctx().clock.now().toISOString();
    await db()
      .insertInto('roles')
      .values({
        id: randomUUID(),
        workspace_id: ctx().workspaceId,
        key: 'crm_no_content',
        name: 'CRM without private content',
        description: '',
        builtin: 0,
        permissions: JSON.stringify(['people:read', 'people:write', 'crm:read', 'crm:write']),
        purposes: '["crm"]',
        data_categories: '["user.name","user.contact"]',
        default_purpose: 'crm',
        require_mfa: 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    noContent = { authorization: `Bearer ${(await insertTokenForRole(db(), ctx().workspaceId, 'crm_no_content')).token}` };
  });

  const person = async (firstName: string): Promise<string> => {
    const res = await ctx().app.inject({ method: 'POST', url: '/api/v1/people', headers: { ...ctx().as.sales, ...json }, payload: { firstName } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const logActivity = (payload: Record<string, unknown>, headers: Record<string, string> = ctx().as.sales) =>
    ctx().app.inject({ method: 'POST', url: '/api/v1/activities', headers: { ...headers, ...json }, payload });
  const activityCount = async () => Number((await db().selectFrom('activities').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const linkCount = async () => Number((await db().selectFrom('activity_links').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('sanitises the body: scripts, event handlers and javascript: URLs go, allowed formatting stays', async () => {
    const ada = await person('Ada');
    const res = await logActivity({
      type: 'note',
      subject: 'First meeting notes',
      body: '<p onclick="steal()">Met <strong>Ada</strong> <em>today</em><script>alert(1)</script></p><img src="x" onerror="alert(2)"><ul><li>likes <a href="javascript:alert(3)">this</a> and <a href="https://example.com/x">that</a></li></ul><iframe src="https://evil.example"></iframe>',
      occurredAt: '2026-03-01T09:00:00Z',
      links: [{ entity: 'person', id: ada }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json().body as string;
    expect(body).not.toMatch(/script|onclick|onerror|javascript:|<img|iframe|alert/i);
    expect(body).toContain('<p>Met <strong>Ada</strong> <em>today</em></p>');
    expect(body).toContain('<ul><li>likes <a rel="noopener noreferrer nofollow" target="_blank">this</a> and <a href="https://example.com/x" rel="noopener noreferrer nofollow" target="_blank">that</a></li></ul>');
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/activities/${res.json().id}`, headers: ctx().as.sales });
    expect(read.json().body).toBe(body);
  });

  it('stores the subject and body of an activity about a person encrypted, not in plaintext', async () => {
    const grace = await person('Grace');
    const res = await logActivity({
      type: 'call',
      subject: 'Quarterly compiler review',
      body: '<p>Discussed the COBOL migration budget</p>',
      occurredAt: '2026-03-01T10:00:00Z',
      direction: 'out',
      outcome: 'connected',
      durationMinutes: 25,
      links: [{ entity: 'person', id: grace }],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ keyPersonId: grace, subject: 'Quarterly compiler review', direction: 'out', durationMinutes: 25 });
    const row = await db().selectFrom('activities').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(row.subject_text).toBeNull();
    expect(row.body_text).toBeNull();
    const stored = Buffer.concat([Buffer.from(row.subject_enc!), Buffer.from(row.body_enc!)]).toString('latin1');
    expect(stored).not.toContain('compiler');
    expect(stored).not.toContain('COBOL');
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'activity.create').where('resource_id', '=', res.json().id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).not.toContain('compiler');
  });

  it('keeps an activity about no person as business data', async () => {
    const res = await logActivity({ type: 'meeting', subject: 'Team planning', occurredAt: '2026-03-01T11:00:00Z', links: [] });
    expect(res.statusCode, res.body).toBe(201);
    const row = await db().selectFrom('activities').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ key_person_id: null, subject_text: 'Team planning', subject_enc: null });
  });

  it('refuses a role without private content, for writing and for reading, and records the refusal', async () => {
    const alan = await person('Alan');
    const before = await activityCount();
    const write = await logActivity({ type: 'note', subject: 'Secret', occurredAt: '2026-03-01T12:00:00Z', links: [{ entity: 'person', id: alan }] }, noContent);
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('ROLE_CATEGORY_DENIED');
    expect(await activityCount()).toBe(before);
    const created = await logActivity({ type: 'note', subject: 'Visible to sales', occurredAt: '2026-03-01T12:00:00Z', links: [{ entity: 'person', id: alan }] });
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/activities/${created.json().id}`, headers: noContent });
    expect(read.statusCode).toBe(403);
    expect(read.json().code).toBe('ROLE_CATEGORY_DENIED');
    expect(read.body).not.toContain('Visible to sales');
    const timeline = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${alan}/timeline`, headers: noContent });
    expect(timeline.statusCode).toBe(403);
    const denied = await db().selectFrom('audit_log').select('details').where('outcome', '=', 'denied').where('resource_type', '=', 'activity').execute();
    expect(denied.length).toBeGreaterThanOrEqual(3);

    // Lists that also hold business data hide what the role may not read instead of refusing the whole list.
    const org = await ctx().app.inject({ method: 'POST', url: '/api/v1/organizations', headers: { ...ctx().as.sales, ...json }, payload: { name: 'Bletchley Park' } });
    expect(org.statusCode, org.body).toBe(201);
    await logActivity({ type: 'meeting', subject: 'Hut 8 visit', occurredAt: '2026-03-01T12:30:00Z', links: [{ entity: 'person', id: alan }, { entity: 'organization', id: org.json().id }] });
    await logActivity({ type: 'meeting', subject: 'Site lease', occurredAt: '2026-03-01T12:40:00Z', links: [{ entity: 'organization', id: org.json().id }] });
    const orgTimeline = await ctx().app.inject({ method: 'GET', url: `/api/v1/organizations/${org.json().id}/timeline`, headers: noContent });
    expect(orgTimeline.statusCode, orgTimeline.body).toBe(200);
    const entries = (orgTimeline.json().items as { id: string; title: string; facts: { hidden: boolean } }[]).filter((e) => e.id.startsWith('activity:'));
    expect(entries.map((e) => [e.title, e.facts.hidden])).toEqual([['Site lease', false], [expect.stringMatching(/^Hidden/), true]]);
    expect(orgTimeline.body).not.toContain('Hut 8');
    const task = await ctx().app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { ...ctx().as.sales, ...json }, payload: { title: 'Ask Alan about the bombe', link: { entity: 'person', id: alan } } });
    const tasks = await ctx().app.inject({ method: 'GET', url: `/api/v1/tasks?linkedEntity=person&linkedId=${alan}`, headers: noContent });
    expect(tasks.statusCode, tasks.body).toBe(200);
    expect(tasks.json().items).toEqual([expect.objectContaining({ id: task.json().id, title: null, hidden: true })]);
  });

  it('refuses to show an activity about a person who objected, and hides it on other records', async () => {
    const kurt = await person('Kurt');
    const emmy = await person('Emmy');
    const both = await logActivity({ type: 'meeting', subject: 'Logic seminar', occurredAt: '2026-03-01T13:00:00Z', links: [{ entity: 'person', id: emmy }, { entity: 'person', id: kurt }] });
    expect(both.statusCode, both.body).toBe(201);
    const emmyOnly = await logActivity({ type: 'note', subject: 'Algebra notes', occurredAt: '2026-03-01T12:00:00Z', links: [{ entity: 'person', id: emmy }] });
    const objection = await ctx().app.inject({ method: 'POST', url: `/api/v1/people/${kurt}/objections`, headers: { ...ctx().as.owner, ...json }, payload: { purpose: 'crm' } });
    expect(objection.statusCode, objection.body).toBe(201);

    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/activities/${both.json().id}`, headers: ctx().as.sales });
    expect(read.statusCode).toBe(403);
    expect(read.json().code).toBe('OBJECTED');
    const kurtTimeline = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${kurt}/timeline`, headers: ctx().as.sales });
    expect(kurtTimeline.statusCode).toBe(403);
    expect(kurtTimeline.json().code).toBe('OBJECTED');
    // On Emmy's timeline the shared activity is hidden; her own one is shown.
    const emmyTimeline = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${emmy}/timeline`, headers: ctx().as.sales });
    expect(emmyTimeline.statusCode, emmyTimeline.body).toBe(200);
    const items = emmyTimeline.json().items as { id: string; title: string; facts: { hidden: boolean } }[];
    expect(items.find((i) => i.id === `activity:${both.json().id}`)?.facts.hidden).toBe(true);
    expect(emmyTimeline.body).not.toContain('Logic seminar');
    expect(items.find((i) => i.id === `activity:${emmyOnly.json().id}`)?.title).toBe('Algebra notes');
  });

  it('erasure deletes the activities keyed under the person, unlinks them from the rest, and the chain verifies', async () => {
    const rosalind = await person('Rosalind');
    const maurice = await person('Maurice');
    const keyed = await logActivity({ type: 'call', subject: 'Photo 51', occurredAt: '2026-03-01T14:00:00Z', links: [{ entity: 'person', id: rosalind }, { entity: 'person', id: maurice }] });
    const other = await logActivity({ type: 'note', subject: 'King’s College', occurredAt: '2026-03-01T15:00:00Z', links: [{ entity: 'person', id: maurice }, { entity: 'person', id: rosalind }] });
    const task = await ctx().app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { ...ctx().as.sales, ...json }, payload: { title: 'Send the diffraction images', link: { entity: 'person', id: rosalind } } });
    expect(task.statusCode, task.body).toBe(201);

    // The one erasure pipeline, as every trigger (admin deletion, request, retention) runs it.
    const certificate = await ctx().services.erasure.erasePerson({ workspaceId: ctx().workspaceId, personId: rosalind, trigger: 'admin_delete', actor: { type: 'system', id: 'test' } });
    expect(certificate.keyId).toBeTruthy();

    expect(await db().selectFrom('activities').select('id').where('id', '=', keyed.json().id).executeTakeFirst()).toBeUndefined();
    expect(await db().selectFrom('activity_links').select('record_id').where('activity_id', '=', keyed.json().id).execute()).toEqual([]);
    const remaining = await db().selectFrom('activity_links').select(['entity', 'record_id']).where('activity_id', '=', other.json().id).execute();
    expect(remaining).toEqual([{ entity: 'person', record_id: maurice }]);
    expect(await db().selectFrom('activity_links').select('activity_id').where('record_id', '=', rosalind).execute()).toEqual([]);
    expect(await db().selectFrom('tasks').select('id').where('id', '=', task.json().id).executeTakeFirst()).toBeUndefined();
    const mauriceTimeline = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${maurice}/timeline`, headers: ctx().as.sales });
    const activityTitles = mauriceTimeline.json().items.filter((i: { id: string }) => i.id.startsWith('activity:')).map((i: { title: string }) => i.title);
    expect(activityTitles).toEqual(['King’s College']);
    expect((await verifyAuditChain(ctx().t.db, { workspaceId: ctx().workspaceId })).ok).toBe(true);
  });

  it('refuses bad input and changes nothing: unknown link target, impossible dates, direction on a note, stale or missing If-Match', async () => {
    const barbara = await person('Barbara');
    const before = [await activityCount(), await linkCount()];
    const cases: Record<string, unknown>[] = [
      { type: 'note', subject: 'x', occurredAt: '2026-03-01T10:00:00Z', links: [{ entity: 'person', id: randomUUID() }] },
      { type: 'note', subject: 'x', occurredAt: '2026-03-01T10:00:00Z', links: [{ entity: 'person', id: barbara }, { entity: 'person', id: barbara }] },
      { type: 'note', subject: 'x', occurredAt: '2026-02-30T10:00:00Z', links: [] },
      { type: 'note', subject: 'x', occurredAt: 'yesterday', links: [] },
      { type: 'note', subject: 'x', occurredAt: '2026-03-01T10:00:00Z', direction: 'in', links: [] },
      { type: 'note', subject: '   ', occurredAt: '2026-03-01T10:00:00Z', links: [] },
      { type: 'fax', subject: 'x', occurredAt: '2026-03-01T10:00:00Z', links: [] },
    ];
    for (const payload of cases) {
      const res = await logActivity(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const unknown = await logActivity(cases[0]!);
    expect(unknown.json().errors).toEqual([{ path: '/links/0', message: 'unknown person' }]);
    expect([await activityCount(), await linkCount()]).toEqual(before);

    const created = await logActivity({ type: 'note', subject: 'Original', occurredAt: '2026-03-01T10:00:00Z', links: [{ entity: 'person', id: barbara }] });
    const id = created.json().id as string;
    const ok = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/activities/${id}`, headers: { ...ctx().as.sales, ...json, 'if-match': '"1"' }, payload: { subject: 'Changed' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    const snapshot = await db().selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const stale = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/activities/${id}`, headers: { ...ctx().as.sales, ...json, 'if-match': '"1"' }, payload: { subject: 'Lost update' } });
    expect(stale.statusCode).toBe(412);
    const missing = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/activities/${id}`, headers: { ...ctx().as.sales, ...json }, payload: { subject: 'No precondition' } });
    expect(missing.statusCode).toBe(428);
    const badDate = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/activities/${id}`, headers: { ...ctx().as.sales, ...json, 'if-match': '"2"' }, payload: { occurredAt: '2026-13-01T00:00:00Z' } });
    expect(badDate.statusCode).toBe(400);
    const badLink = await ctx().app.inject({ method: 'PATCH', url: `/api/v1/activities/${id}`, headers: { ...ctx().as.sales, ...json, 'if-match': '"2"' }, payload: { links: [{ entity: 'deal', id: randomUUID() }] } });
    expect(badLink.statusCode).toBe(400);
    expect(await db().selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toEqual(snapshot);
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/activities/${id}`, headers: ctx().as.sales });
    expect(read.json()).toMatchObject({ subject: 'Changed', version: 2, links: [{ entity: 'person', id: barbara }] });
  });

  it('answers a repeated Idempotency-Key with the first activity and a different body with 422', async () => {
    const payload = { type: 'email', subject: 'Offer sent', occurredAt: '2026-03-01T16:00:00Z', direction: 'out', links: [] };
    const headers = { ...ctx().as.sales, 'idempotency-key': 'activity-offer-1' };
    const first = await logActivity(payload, headers);
    const again = await logActivity(payload, headers);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    const reused = await logActivity({ ...payload, subject: 'Other' }, headers);
    expect(reused.statusCode).toBe(422);
  });

  it('moves content to the kept person on a merge, re-encrypted under their key', async () => {
    const from = await person('Charles');
    const to = await person('Charles B.');
    const a = await logActivity({ type: 'note', subject: 'Difference engine', occurredAt: '2026-03-01T17:00:00Z', links: [{ entity: 'person', id: from }, { entity: 'person', id: to }] });
    const t = await ctx().app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { ...ctx().as.sales, ...json }, payload: { title: 'Fund the engine', link: { entity: 'person', id: from } } });
    const { keys, personReassigners } = ctx().services;
    await db().transaction().execute(async (trx) => {
      const target = {
        workspaceId: ctx().workspaceId,
        fromPersonId: from,
        toPersonId: to,
        fromKey: await keys.getDataKey(trx, ctx().workspaceId, from),
        toKey: await keys.getDataKey(trx, ctx().workspaceId, to),
      };
      for (const r of personReassigners.list().filter((r) => r.name === 'activities' || r.name === 'tasks')) await r.reassign(trx, target);
    });
    const links = await db().selectFrom('activity_links').select(['record_id']).where('activity_id', '=', a.json().id).execute();
    expect(links).toEqual([{ record_id: to }]);
    // Readable under the kept person's key only (the from key would fail to decrypt).
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/activities/${a.json().id}`, headers: ctx().as.sales });
    expect(read.json()).toMatchObject({ subject: 'Difference engine', keyPersonId: to });
    const task = await ctx().app.inject({ method: 'GET', url: `/api/v1/tasks/${t.json().id}`, headers: ctx().as.sales });
    expect(task.json()).toMatchObject({ title: 'Fund the engine', link: { entity: 'person', id: to } });
  });

  it('keeps every activity and task through a merge of two people, readable under the kept person', async () => {
    const kept = await person('Ada K.');
    const other = await person('Ada O.');
    const keyedByOther = await logActivity({ type: 'call', subject: 'Call with the other record', occurredAt: '2026-03-01T18:00:00Z', links: [{ entity: 'person', id: other }] });
    const shared = await logActivity({ type: 'note', subject: 'Both records', occurredAt: '2026-03-01T18:30:00Z', links: [{ entity: 'person', id: kept }, { entity: 'person', id: other }] });
    const task = await ctx().app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { ...ctx().as.sales, ...json }, payload: { title: 'Follow the other record up', link: { entity: 'person', id: other } } });
    const merge = await ctx().app.inject({ method: 'POST', url: `/api/v1/people/${kept}/merge`, headers: { ...ctx().as.owner, ...json, 'if-match': '"1"' }, payload: { otherId: other } });
    expect(merge.statusCode, merge.body).toBe(200);

    const timeline = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${kept}/timeline`, headers: ctx().as.sales });
    expect(timeline.statusCode, timeline.body).toBe(200);
    const titles = timeline.json().items.filter((e: { id: string }) => /^(activity|task):/.test(e.id)).map((e: { title: string }) => e.title);
    expect(titles.sort()).toEqual(['Both records', 'Call with the other record', 'Follow the other record up']);
    const moved = await ctx().app.inject({ method: 'GET', url: `/api/v1/activities/${keyedByOther.json().id}`, headers: ctx().as.sales });
    expect(moved.json()).toMatchObject({ keyPersonId: kept, links: [{ entity: 'person', id: kept }] });
    const both = await ctx().app.inject({ method: 'GET', url: `/api/v1/activities/${shared.json().id}`, headers: ctx().as.sales });
    expect(both.json().links).toEqual([{ entity: 'person', id: kept }]);
    const movedTask = await ctx().app.inject({ method: 'GET', url: `/api/v1/tasks/${task.json().id}`, headers: ctx().as.sales });
    expect(movedTask.json()).toMatchObject({ title: 'Follow the other record up', link: { entity: 'person', id: kept } });
    expect((await verifyAuditChain(ctx().t.db, { workspaceId: ctx().workspaceId })).ok).toBe(true);
  });
});
