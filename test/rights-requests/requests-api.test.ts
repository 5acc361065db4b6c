import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useChannelsTestApp, type ChannelsTestApp } from '../consent-channels/channels-test-app.ts';

type Json = Record<string, any>;

async function logRequest(c: ChannelsTestApp, payload: Json): Promise<Json> {
  const res = await c.app.inject({
    method: 'POST',
    url: '/api/v1/requests',
    headers: c.as.privacy_officer,
    payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function move(c: ChannelsTestApp, r: Json, payload: Json) {
  return c.app.inject({
    method: 'POST',
    url: `/api/v1/requests/${r.id}/transitions`,
    headers: { ...c.as.privacy_officer, 'if-match': `"${r.version}"` },
    payload,
  });
}

async function rowOf(c: ChannelsTestApp, id: string) {
  return c.t.db.kysely.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe.each(testDialects)('request inbox API on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('logs a phone request with the identity check, matched to the person by email, due one calendar month later', async () => {
    const c = ctx();
    const person = await c.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: c.as.owner,
      payload: { firstName: 'Ada', email: 'ada.phone@example.test' },
    });
    expect(person.statusCode, person.body).toBe(201);
    const r = await logRequest(c, {
      type: 'access',
      channel: 'phone',
      email: 'Ada.Phone@Example.test',
      identityMethod: 'staff_callback',
      language: 'en',
    });
    expect(r).toMatchObject({
      status: 'verified',
      channel: 'phone',
      identityMethod: 'staff_callback',
      personId: person.json().id,
      receivedAt: '2026-03-02T10:00:00.000Z',
      dueAt: '2026-04-02T23:59:59.999Z',
      sla: 'on_track',
    });
    expect(r.reference).toMatch(/^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const stored = await rowOf(c, r.id);
    expect(Buffer.from(stored.requester_email!).toString('latin1')).not.toContain('ada.phone');
    const requester = await c.app.inject({
      method: 'GET',
      url: `/api/v1/requests/${r.id}/requester`,
      headers: c.as.privacy_officer,
    });
    expect(requester.json()).toMatchObject({ email: 'Ada.Phone@Example.test' });
    const timeline = (
      await c.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${r.id}/timeline`,
        headers: c.as.privacy_officer,
      })
    ).json();
    expect(timeline.items.map((s: Json) => s.kind)).toEqual(['received', 'identity', 'viewed']);
    const audit = await c.t.db.kysely
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('resource_id', '=', r.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['request.receive', 'request.verify']));
    expect(JSON.stringify(audit)).not.toContain('ada.phone');
  });

  it('starts a letter without an identity check unverified, with the deadline from the day the letter arrived', async () => {
    const c = ctx();
    const r = await logRequest(c, {
      type: 'erasure',
      channel: 'letter',
      language: 'fr',
      receivedAt: '2026-01-31T08:00:00.000Z',
    });
    expect(r).toMatchObject({
      status: 'identity_unverified',
      personId: null,
      dueAt: '2026-02-28T23:59:59.999Z',
      sla: 'overdue',
    });
  });

  it('walks the lifecycle: verify, in progress, complete; a completed request stays completed', async () => {
    const c = ctx();
    let r = await logRequest(c, {
      type: 'rectification',
      channel: 'email',
      email: 'nobody-held@example.test',
      language: 'en',
    });
    const noMethod = await move(c, r, { to: 'verified' });
    expect(noMethod.statusCode).toBe(400);
    const skip = await move(c, r, { to: 'completed' });
    expect(skip.statusCode).toBe(409);
    expect(skip.json()).toMatchObject({ code: 'REQUEST_TRANSITION_REFUSED' });
    const verified = await move(c, r, { to: 'verified', identityMethod: 'staff_known_contact' });
    expect(verified.statusCode, verified.body).toBe(200);
    r = verified.json();
    expect(r.status).toBe('verified');
    const stale = await move(c, { ...r, version: r.version - 1 }, { to: 'in_progress' });
    expect(stale.statusCode).toBe(412);
    r = (await move(c, r, { to: 'in_progress' })).json();
    expect(r.status).toBe('in_progress');
    const done = await move(c, r, { to: 'completed' });
    expect(done.json()).toMatchObject({
      status: 'completed',
      completedAt: '2026-03-02T10:00:00.000Z',
      sla: 'closed',
    });
    const again = await move(c, done.json(), { to: 'in_progress' });
    expect(again.statusCode).toBe(409);
    expect((await rowOf(c, r.id)).status).toBe('completed');
    const denied = await c.t.db.kysely
      .selectFrom('audit_log')
      .select(['action', 'outcome'])
      .where('resource_id', '=', r.id)
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses only with a reason, which the request then carries', async () => {
    const c = ctx();
    const r = await logRequest(c, {
      type: 'objection',
      channel: 'in_person',
      identityMethod: 'staff_document_check',
      language: 'en',
    });
    const bare = await c.app.inject({
      method: 'POST',
      url: `/api/v1/requests/${r.id}/transitions`,
      headers: { ...c.as.privacy_officer, 'if-match': `"${r.version}"` },
      payload: { to: 'refused' },
    });
    expect(bare.statusCode).toBe(400);
    expect((await rowOf(c, r.id)).status).toBe('verified');
    const refused = await move(c, r, {
      to: 'refused',
      reason: 'Manifestly unfounded: the same request was answered last week',
    });
    expect(refused.json()).toMatchObject({
      status: 'refused',
      refusalReason: 'Manifestly unfounded: the same request was answered last week',
    });
  });

  it('extends within the first month with a reason and tells the requester by email; refuses after the first month', async () => {
    const c = ctx();
    const r = await logRequest(c, {
      type: 'access',
      channel: 'email',
      email: 'extend-me@example.test',
      identityMethod: 'staff_known_contact',
      language: 'en',
    });
    const before = c.mail.messages.length;
    c.clock.set('2026-03-20T09:00:00.000Z');
    try {
      const noMatch = await c.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${r.id}/extend`,
        headers: c.as.privacy_officer,
        payload: { months: 2, reason: 'x' },
      });
      expect(noMatch.statusCode).toBe(428);
      const three = await c.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${r.id}/extend`,
        headers: { ...c.as.privacy_officer, 'if-match': `"${r.version}"` },
        payload: { months: 3, reason: 'x' },
      });
      expect(three.statusCode).toBe(400);
      const res = await c.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${r.id}/extend`,
        headers: { ...c.as.privacy_officer, 'if-match': `"${r.version}"` },
        payload: { months: 2, reason: 'We hold records in three systems' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'extended',
        dueAt: '2026-06-02T23:59:59.999Z',
        extendedUntil: '2026-06-02T23:59:59.999Z',
        extensionReason: 'We hold records in three systems',
      });
      // The portal's outbox tells the requester after commit (the scheduler's job; drained here), once.
      expect(await c.services.privacyPortal.drainOutbox()).toBeGreaterThanOrEqual(1);
      const mails = await c.mail.waitFor(before + 1);
      const told = mails.slice(before).filter((m) => m.to.includes('extend-me@example.test'));
      expect(told).toHaveLength(1);
      expect(told[0]?.text).toContain('We hold records in three systems');
      expect(told[0]?.text).toContain('2026-06-02');
      const more = await c.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${r.id}/extend`,
        headers: { ...c.as.privacy_officer, 'if-match': `"${res.json().version}"` },
        payload: { months: 1, reason: 'still more' },
      });
      expect(more.statusCode).toBe(409);
      expect(more.json().rule ?? more.json().details?.rule ?? more.body).toContain('three_months');

      const late = await logRequest(c, {
        type: 'access',
        channel: 'letter',
        language: 'en',
        identityMethod: 'staff_document_check',
        receivedAt: '2026-02-10T09:00:00.000Z',
      });
      const refused = await c.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${late.id}/extend`,
        headers: { ...c.as.privacy_officer, 'if-match': `"${late.version}"` },
        payload: { months: 1, reason: 'too late' },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain('first_month');
      expect((await rowOf(c, late.id)).due_at).toBe('2026-03-10T23:59:59.999Z');
    } finally {
      c.clock.set('2026-03-02T10:00:00.000Z');
    }
  });

  it('assigns to a user of the workspace (If-Match) and keeps notes, personal ones encrypted', async () => {
    const c = ctx();
    const r = await logRequest(c, { type: 'restriction', channel: 'phone', language: 'en' });
    const me = await c.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: c.as.privacy_officer });
    expect(me.statusCode, me.body).toBe(200);
    const userId: string = me.json().id;
    const nobody = await c.app.inject({
      method: 'PATCH',
      url: `/api/v1/requests/${r.id}`,
      headers: { ...c.as.privacy_officer, 'if-match': `"${r.version}"` },
      payload: { assigneeId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(nobody.statusCode).toBe(400);
    const assigned = await c.app.inject({
      method: 'PATCH',
      url: `/api/v1/requests/${r.id}`,
      headers: { ...c.as.privacy_officer, 'if-match': `"${r.version}"` },
      payload: { assigneeId: userId },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().assigneeId).toBe(userId);
    const mine = (
      await c.app.inject({
        method: 'GET',
        url: '/api/v1/requests?assignee=me',
        headers: c.as.privacy_officer,
      })
    ).json();
    expect(mine.items.map((i: Json) => i.id)).toContain(r.id);
    await c.app.inject({
      method: 'POST',
      url: `/api/v1/requests/${r.id}/notes`,
      headers: c.as.privacy_officer,
      payload: { text: 'Called back on the number on file' },
    });
    const personal = await c.app.inject({
      method: 'POST',
      url: `/api/v1/requests/${r.id}/notes`,
      headers: c.as.privacy_officer,
      payload: { text: 'Says her address is 12 Secret Lane', personal: true },
    });
    expect(personal.statusCode).toBe(201);
    const steps = await c.t.db.kysely
      .selectFrom('request_steps')
      .selectAll()
      .where('request_id', '=', r.id)
      .execute();
    expect(
      JSON.stringify(steps.map((s) => [s.summary, Buffer.from(s.personal_summary ?? []).toString('latin1')])),
    ).not.toContain('Secret Lane');
    const timeline = (
      await c.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${r.id}/timeline`,
        headers: c.as.privacy_officer,
      })
    ).json();
    expect(timeline.items.map((s: Json) => s.summary)).toEqual(
      expect.arrayContaining(['Called back on the number on file', 'Says her address is 12 Secret Lane']),
    );
  });

  it('answers bad input with problem+json and leaves the stored request intact', async () => {
    const c = ctx();
    const r = await logRequest(c, {
      type: 'access',
      channel: 'email',
      email: 'intact@example.test',
      language: 'en',
    });
    const before = await rowOf(c, r.id);
    const bad: [string, string, Json, Json?][] = [
      ['POST', '/api/v1/requests', { type: 'everything', channel: 'phone', language: 'en' }],
      ['POST', '/api/v1/requests', { type: 'access', channel: 'portal', language: 'en' }],
      [
        'POST',
        '/api/v1/requests',
        { type: 'access', channel: 'phone', language: 'en', email: 'not-an-email' },
      ],
      [
        'POST',
        '/api/v1/requests',
        { type: 'access', channel: 'phone', language: 'en', receivedAt: '2030-01-01T00:00:00.000Z' },
      ],
      ['POST', '/api/v1/requests', { type: 'access', channel: 'phone', language: 'en', extra: 1 }],
      ['PATCH', `/api/v1/requests/${r.id}`, { language: '??' }, { 'if-match': `"${r.version}"` }],
      ['PATCH', `/api/v1/requests/${r.id}`, { assigneeId: 'x' }, { 'if-match': `"${r.version}"` }],
      ['PATCH', `/api/v1/requests/${r.id}`, { language: 'de' }],
      ['POST', `/api/v1/requests/${r.id}/transitions`, { to: 'nowhere' }, { 'if-match': `"${r.version}"` }],
      [
        'POST',
        `/api/v1/requests/${r.id}/transitions`,
        { to: 'in_progress' },
        { 'if-match': `"${r.version}"` },
      ],
      ['POST', `/api/v1/requests/${r.id}/notes`, { text: '' }],
      [
        'POST',
        `/api/v1/requests/${r.id}/person`,
        { personId: '00000000-0000-4000-8000-000000000000' },
        { 'if-match': `"${r.version}"` },
      ],
      ['GET', '/api/v1/requests?cursor=garbage', {}],
      ['GET', '/api/v1/requests?sla=late', {}],
    ];
    for (const [method, url, payload, headers] of bad) {
      const res = await c.app.inject({
        method: method as 'POST',
        url,
        headers: { ...c.as.privacy_officer, ...(headers ?? {}) },
        ...(method === 'GET' ? {} : { payload }),
      });
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).not.toContain('intact@example.test');
    }
    expect(await rowOf(c, r.id)).toEqual(before);
  });

  it("answers 404 for another workspace's request, audited as denied, and never lists it", async () => {
    const c = ctx();
    const other = 'ws-other-requests';
    await c.t.db.kysely
      .insertInto('workspaces')
      .values({ id: other, name: 'Other', regime: 'gdpr', created_at: '2026-03-01T00:00:00.000Z' } as never)
      .execute();
    const theirs = await c.t.db.kysely
      .transaction()
      .execute((trx) =>
        c.services.requests.submitFromPortal(
          trx,
          { workspaceId: other, actor: { type: 'anonymous', id: null } },
          { type: 'access', email: 'theirs@example.test', language: 'en' },
        ),
      );
    for (const url of [
      `/api/v1/requests/${theirs.id}`,
      `/api/v1/requests/${theirs.id}/timeline`,
      `/api/v1/requests/${theirs.id}/result`,
      `/api/v1/requests/${theirs.id}/requester`,
    ]) {
      const res = await c.app.inject({ method: 'GET', url, headers: c.as.privacy_officer });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('theirs@');
    }
    const moved = await c.app.inject({
      method: 'POST',
      url: `/api/v1/requests/${theirs.id}/transitions`,
      headers: { ...c.as.privacy_officer, 'if-match': '"1"' },
      payload: { to: 'cancelled' },
    });
    expect(moved.statusCode).toBe(404);
    expect((await rowOf(c, theirs.id)).status).toBe('identity_unverified');
    const denied = await c.t.db.kysely
      .selectFrom('audit_log')
      .select(['action', 'workspace_id'])
      .where('resource_id', '=', theirs.id)
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied.length).toBe(5);
    expect(new Set(denied.map((d) => d.workspace_id))).toEqual(new Set([c.workspaceId]));
    const list = (
      await c.app.inject({ method: 'GET', url: '/api/v1/requests?limit=200', headers: c.as.privacy_officer })
    ).json();
    expect(list.items.map((i: Json) => i.id)).not.toContain(theirs.id);
  });

  it('matches a portal submission to the person and always starts it unverified, even when an earlier one exists', async () => {
    const c = ctx();
    await c.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: c.as.owner,
      payload: { firstName: 'Grace', email: 'grace.portal@example.test' },
    });
    const anon = { workspaceId: c.workspaceId, actor: { type: 'anonymous' as const, id: null } };
    const first = await c.t.db.kysely.transaction().execute((trx) =>
      c.services.requests.submitFromPortal(trx, anon, {
        type: 'erasure',
        email: 'grace.portal@example.test',
        language: 'en',
        details: { message: 'Please forget me' },
      }),
    );
    await c.t.db.kysely
      .transaction()
      .execute((trx) => c.services.requests.markIdentityVerified(trx, anon, first.id, 'email_code'));
    const second = await c.t.db.kysely.transaction().execute((trx) =>
      c.services.requests.submitFromPortal(trx, anon, {
        type: 'erasure',
        email: 'grace.portal@example.test',
        language: 'en',
      }),
    );
    const [a, b] = await Promise.all([
      c.services.requests.get(c.t.db.kysely, c.workspaceId, first.id),
      c.services.requests.get(c.t.db.kysely, c.workspaceId, second.id),
    ]);
    expect(a.status).toBe('verified');
    expect(b.status).toBe('identity_unverified');
    expect(a.personId).not.toBeNull();
    expect(b.personId).toBe(a.personId);
    expect(await c.services.requests.detailsOf(c.t.db.kysely, c.workspaceId, first.id)).toEqual({
      message: 'Please forget me',
    });
    const unknown = await c.t.db.kysely.transaction().execute((trx) =>
      c.services.requests.submitFromPortal(trx, anon, {
        type: 'access',
        email: 'nobody-at-all@example.test',
        language: 'en',
      }),
    );
    expect((await c.services.requests.get(c.t.db.kysely, c.workspaceId, unknown.id)).personId).toBeNull();
    const events = await c.t.db.kysely
      .selectFrom('audit_log')
      .select('details')
      .where('resource_id', '=', first.id)
      .execute();
    expect(JSON.stringify(events)).not.toContain('grace');
  });

  it('stores the result encrypted, lets staff download it, and shows outcome sentences to the portal', async () => {
    const c = ctx();
    const r = await logRequest(c, {
      type: 'access',
      channel: 'email',
      email: 'result@example.test',
      identityMethod: 'staff_known_contact',
      language: 'en',
    });
    const sys = { workspaceId: c.workspaceId, actor: { type: 'system' as const, id: 'test' } };
    const body = Buffer.from('{"name":"Result Person"}');
    await c.t.db.kysely.transaction().execute(async (trx) => {
      await c.services.requests.storeResult(trx, sys, r.id, {
        filename: 'access-export.json',
        contentType: 'application/json',
        body,
      });
      await c.services.requests.addOutcome(trx, sys, r.id, 'Invoices are kept for 10 years (Art. 17(3)(b)).');
    });
    const stored = await c.t.db.kysely
      .selectFrom('request_results')
      .selectAll()
      .where('request_id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(stored.body).toString('latin1')).not.toContain('Result Person');
    const res = await c.app.inject({
      method: 'GET',
      url: `/api/v1/requests/${r.id}/result`,
      headers: c.as.privacy_officer,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('access-export.json');
    expect(res.rawPayload.equals(body)).toBe(true);
    const portal = await c.services.requests.portalView(c.t.db.kysely, c.workspaceId, r.id);
    expect(portal).toMatchObject({
      hasResult: true,
      outcome: ['Invoices are kept for 10 years (Art. 17(3)(b)).'],
    });
    await c.t.db.kysely.transaction().execute((trx) => c.services.requests.purge(trx, sys, r.id));
    expect(await c.services.requests.readResult(c.t.db.kysely, c.workspaceId, r.id)).toBeNull();
    expect(await c.services.requests.contactOf(c.t.db.kysely, c.workspaceId, r.id)).toBeNull();
  });

  it('lists by SLA with a moved clock and paginates with a cursor', async () => {
    const c = ctx();
    const fresh = await logRequest(c, { type: 'portability', channel: 'letter', language: 'en' });
    const overdueIds = (
      await c.app.inject({
        method: 'GET',
        url: '/api/v1/requests?sla=overdue&limit=200',
        headers: c.as.privacy_officer,
      })
    )
      .json()
      .items.map((i: Json) => i.id);
    expect(overdueIds).not.toContain(fresh.id);
    c.clock.set('2026-03-28T10:00:00.000Z');
    try {
      const soon = (
        await c.app.inject({
          method: 'GET',
          url: '/api/v1/requests?sla=due_soon&limit=200',
          headers: c.as.privacy_officer,
        })
      ).json();
      expect(soon.items.find((i: Json) => i.id === fresh.id)?.sla).toBe('due_soon');
      c.clock.set('2026-04-03T00:00:00.000Z');
      const late = (
        await c.app.inject({
          method: 'GET',
          url: '/api/v1/requests?sla=overdue&limit=200',
          headers: c.as.privacy_officer,
        })
      ).json();
      expect(late.items.map((i: Json) => i.id)).toContain(fresh.id);
      const summary = (
        await c.app.inject({ method: 'GET', url: '/api/v1/requests/summary', headers: c.as.privacy_officer })
      ).json();
      expect(summary.overdue).toBeGreaterThanOrEqual(1);
      const everything: Json[] = (
        await c.app.inject({
          method: 'GET',
          url: '/api/v1/requests?limit=200',
          headers: c.as.privacy_officer,
        })
      ).json().items;
      const open = everything.filter((i) => i.sla !== 'closed');
      expect(summary).toEqual({
        open: open.length,
        overdue: open.filter((i) => i.sla === 'overdue').length,
        dueSoon: open.filter((i) => i.sla === 'due_soon').length,
        onTrack: open.filter((i) => i.sla === 'on_track').length,
        unassigned: open.filter((i) => i.assigneeId === null).length,
      });
    } finally {
      c.clock.set('2026-03-02T10:00:00.000Z');
    }
    // Same deadline for several: the cursor must order by id within one due date.
    for (let i = 0; i < 5; i++) await logRequest(c, { type: 'access', channel: 'letter', language: 'en' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = (
        await c.app.inject({
          method: 'GET',
          url: `/api/v1/requests?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          headers: c.as.privacy_officer,
        })
      ).json();
      seen.push(...page.items.map((i: Json) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = (
      await c.app.inject({ method: 'GET', url: '/api/v1/requests?limit=200', headers: c.as.privacy_officer })
    )
      .json()
      .items.map((i: Json) => i.id);
    expect(seen).toEqual(all);
  });

  it('emits request.received, verified, extended, completed and refused privacy events without personal data', async () => {
    const c = ctx();
    const seen: { type: string; data: Json; subjectPseudonym?: string | null | undefined }[] = [];
    c.services.privacyEvents.subscribe(async (_trx, e) => {
      if (e.type.startsWith('request.')) seen.push(e);
    });
    let r = await logRequest(c, {
      type: 'access',
      channel: 'email',
      email: 'events-person@example.test',
      identityMethod: 'staff_known_contact',
      language: 'en',
      details: { message: 'My secret question' },
    });
    r = (
      await c.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${r.id}/extend`,
        headers: { ...c.as.privacy_officer, 'if-match': `"${r.version}"` },
        payload: { months: 1, reason: 'Numerous requests' },
      })
    ).json();
    await move(c, r, { to: 'completed' });
    const other = await logRequest(c, {
      type: 'erasure',
      channel: 'phone',
      identityMethod: 'staff_callback',
      language: 'en',
    });
    await move(c, other, { to: 'refused', reason: 'Legal obligation to keep invoices' });
    const mine = seen.filter((e) => e.data.requestId === r.id || e.data.requestId === other.id);
    expect(mine.map((e) => e.type)).toEqual([
      'request.received',
      'request.verified',
      'request.extended',
      'request.completed',
      'request.received',
      'request.verified',
      'request.refused',
    ]);
    expect(mine[2]?.data).toMatchObject({
      months: 1,
      dueAt: '2026-05-02T23:59:59.999Z',
      reference: r.reference,
      requestType: 'access',
    });
    expect(JSON.stringify(mine)).not.toMatch(/events-person|secret question/);
  });

  it('is closed to roles without the requests permissions', async () => {
    const c = ctx();
    const { insertTokenForRole } = await import('../support/owner-token.ts');
    const sales = {
      authorization: `Bearer ${(await insertTokenForRole(c.t.db.kysely, c.workspaceId, 'sales')).token}`,
    };
    expect((await c.app.inject({ method: 'GET', url: '/api/v1/requests', headers: sales })).statusCode).toBe(
      403,
    );
    expect(
      (
        await c.app.inject({
          method: 'POST',
          url: '/api/v1/requests',
          headers: sales,
          payload: { type: 'access', channel: 'phone', language: 'en' },
        })
      ).statusCode,
    ).toBe(403);
  });
});
