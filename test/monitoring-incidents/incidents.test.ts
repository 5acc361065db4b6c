import { describe, expect, it } from 'vitest';
import type { PrivacyEvent } from '../../src/kernel/events/privacy-events.ts';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { testDialects } from '../support/test-database.ts';
import { expectRefused, send } from './incidents-test-support.ts';

const hour = 3_600_000;
const url = '/api/v1/incidents';

describe.each(testDialects)('incident and breach register on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const events: PrivacyEvent[] = [];
  let salesUserId = '';
  let salesAuth = { authorization: '' };
  let startedAt = '';
  let incidentId = '';
  const emails = Array.from({ length: 6 }, (_, i) => `breach.person${i}@victims.example`);

  it('computes the affected people, records and categories from the audit entries of the involved account', async () => {
    const { app, as, t, workspaceId, clock, services } = ctx();
    services.privacyEvents.subscribe(async (_trx, event) => {
      events.push(event);
    });
    const ids: string[] = [];
    for (const [i, email] of emails.entries()) {
      const res = await send(app, as.owner, 'POST', '/api/v1/people', {
        firstName: `Person${i}`,
        lastName: 'Victim',
        email,
      });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    const sales = await insertTokenForRole(t.db.kysely, workspaceId, 'sales');
    salesUserId = sales.userId;
    salesAuth = { authorization: `Bearer ${sales.token}` };
    clock.advance(hour);
    startedAt = clock.now().toISOString();
    // The compromised account reads three people (one twice) and exports everyone.
    for (const id of [ids[0], ids[1], ids[2], ids[0]]) {
      const res = await send(app, salesAuth, 'GET', `/api/v1/people/${id}`);
      expect(res.statusCode, res.body).toBe(200);
    }
    const exported = await send(app, salesAuth, 'POST', '/api/v1/exports', {
      entity: 'person',
      format: 'csv',
      purpose: 'crm',
    });
    expect(exported.statusCode, exported.body).toBe(200);
    // Someone else's read in the same window is not part of the incident.
    expect((await send(app, as.owner, 'GET', `/api/v1/people/${ids[4]}`)).statusCode).toBe(200);
    clock.advance(2 * hour);

    const awareAt = clock.now().toISOString();
    const res = await send(app, as.privacy_officer, 'POST', url, {
      title: 'Bulk export by a sales account at night',
      occurredFrom: startedAt,
      awareAt,
      involvedActors: [{ type: 'user', id: salesUserId }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const incident = res.json();
    incidentId = incident.id;
    expect(incident.reference).toBe('INC-2026-0001');
    expect(incident.scope).toMatchObject({
      entries: 5,
      operations: { read: 4, export: 1 },
      identifiedPeople: 3,
      bulkOperations: 1,
      bulkPeople: 6,
      peopleLow: 6,
      peopleHigh: 6,
      people: 6,
      records: 10,
    });
    expect(incident.scope.categories).toEqual(
      expect.arrayContaining(['user.contact.email', 'user.name.first', 'user.name.last']),
    );
    expect(incident.effective).toMatchObject({ people: 6, records: 10, source: 'computed' });
    expect(incident.clock).toMatchObject({
      deadline: new Date(Date.parse(awareAt) + 72 * hour).toISOString(),
      state: 'running',
      remainingMs: 72 * hour,
    });

    // Audited, and emitted as a privacy event, with no personal data in either.
    const entry = await t.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('action', '=', 'incident.open')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ resource_id: incidentId, subject_pseudonym: null });
    expect(JSON.parse(entry.details)).toMatchObject({ approximatePeople: 6, records: 10 });
    const opened = events.find((e) => e.type === 'incident.opened');
    expect(opened?.data).toMatchObject({ incidentId, approximatePeople: 6 });
    for (const email of emails) {
      expect(entry.details).not.toContain(email);
      expect(JSON.stringify(events)).not.toContain(email);
    }
  });

  it('lets staff override the numbers only with a reason, and audits the change', async () => {
    const { app, as, t, workspaceId } = ctx();
    const patch =
      (body: unknown, version = '"1"') =>
      () =>
        send(app, as.privacy_officer, 'PATCH', `${url}/${incidentId}`, body, { 'if-match': version });
    await expectRefused(
      t.db.kysely,
      workspaceId,
      patch({ scopeOverride: { people: 10, records: 20, categories: null, reason: '   ' } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefused(
      t.db.kysely,
      workspaceId,
      patch({ scopeOverride: { people: 10, records: 20, categories: ['user.nothing_here'], reason: 'x' } }),
      400,
      'VALIDATION_FAILED',
    );
    const res = await patch({
      scopeOverride: {
        people: 8,
        records: null,
        categories: null,
        reason: 'Two paper files were also copied',
      },
    })();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().effective).toMatchObject({ people: 8, records: 10, source: 'override' });
    const back = await send(
      app,
      as.privacy_officer,
      'PATCH',
      `${url}/${incidentId}`,
      { scopeOverride: null },
      { 'if-match': '"2"' },
    );
    expect(back.json().effective).toMatchObject({ people: 6, source: 'computed' });
  });

  it('refuses impossible dates, unknown accounts, stale versions and the wrong roles, changing nothing', async () => {
    const { app, as, t, workspaceId, clock } = ctx();
    const db = t.db.kysely;
    const now = clock.now().getTime();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const post = (body: unknown) => () => send(app, as.privacy_officer, 'POST', url, body);
    const base = { title: 'Lost laptop', occurredFrom: at(-5 * hour), awareAt: at(-hour) };
    const cases: [unknown, string][] = [
      [{ ...base, awareAt: at(-6 * hour) }, '/awareAt'],
      [{ ...base, occurredFrom: at(hour), awareAt: at(2 * hour) }, '/occurredFrom'],
      [{ ...base, awareAt: at(hour) }, '/awareAt'],
      [{ ...base, occurredTo: at(-6 * hour) }, '/occurredTo'],
      [{ ...base, occurredFrom: '2026-02-30T10:00:00Z' }, '/occurredFrom'],
      [{ ...base, awareAt: 'yesterday' }, '/awareAt'],
    ];
    for (const [body, path] of cases) {
      const problem = await expectRefused(db, workspaceId, post(body), 422, 'INCIDENT_DATES_INVALID');
      expect(problem.errors?.[0]?.path, JSON.stringify(body)).toBe(path);
    }
    const unknownUser = await expectRefused(
      db,
      workspaceId,
      post({ ...base, involvedActors: [{ type: 'user', id: '6f1c3c9e-0000-4000-8000-000000000000' }] }),
      400,
      'VALIDATION_FAILED',
    );
    expect(unknownUser.errors?.[0]?.path).toBe('/involvedActors/0/id');
    await expectRefused(db, workspaceId, post({ ...base, nature: ['privacy'] }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, post({ ...base, likelihood: 5 }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, post({ title: 'No dates' }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, post({ ...base, surprise: true }), 400, 'VALIDATION_FAILED');
    // Changing an incident: the same date rules, If-Match required and current.
    const patch = (body: unknown, headers: Record<string, string>) => () =>
      send(app, as.privacy_officer, 'PATCH', `${url}/${incidentId}`, body, headers);
    await expectRefused(
      db,
      workspaceId,
      patch({ awareAt: at(-100 * hour) }, { 'if-match': '"3"' }),
      422,
      'INCIDENT_DATES_INVALID',
    );
    await expectRefused(db, workspaceId, patch({ title: 'x' }, {}), 428, 'PRECONDITION_REQUIRED');
    await expectRefused(
      db,
      workspaceId,
      patch({ title: 'x' }, { 'if-match': '"1"' }),
      412,
      'PRECONDITION_FAILED',
    );
    await expectRefused(
      db,
      workspaceId,
      () => send(app, as.privacy_officer, 'GET', `${url}/6f1c3c9e-0000-4000-8000-000000000000`),
      404,
      'NOT_FOUND',
    );
    await expectRefused(db, workspaceId, () => send(app, as.auditor, 'POST', url, base), 403, 'FORBIDDEN');
    await expectRefused(db, workspaceId, () => send(app, salesAuth, 'GET', url), 403, 'FORBIDDEN');
    expect((await send(app, as.auditor, 'GET', `${url}/${incidentId}`)).statusCode).toBe(200);
  });

  it('refuses drafts without the required contents, listing what is missing, then produces both', async () => {
    const { app, as, t, workspaceId } = ctx();
    const db = t.db.kysely;
    const missing = await expectRefused(
      db,
      workspaceId,
      () => send(app, as.privacy_officer, 'POST', `${url}/${incidentId}/drafts/authority`),
      422,
      'INCIDENT_NOTIFICATION_INCOMPLETE',
    );
    expect(missing.missing).toEqual(['nature', 'description', 'dpoContact', 'consequences', 'measures']);
    const people = await expectRefused(
      db,
      workspaceId,
      () => send(app, as.privacy_officer, 'POST', `${url}/${incidentId}/drafts/people`),
      422,
      'INCIDENT_NOTIFICATION_INCOMPLETE',
    );
    expect(people.missing).toEqual(['description', 'dpoContact', 'consequences', 'measures']);

    const org = await send(
      app,
      as.privacy_officer,
      'PUT',
      '/api/v1/governance/organisation',
      {
        controller: {
          name: 'Acme Widgets SA',
          address: '1 Rue de la Paix, Paris',
          email: 'privacy@acme.example',
          phone: '',
        },
        representative: null,
        dpo: { name: 'Dana Officer', email: 'dpo@acme.example', phone: '+33 1 00 00 00 00' },
      },
      { 'if-match': '"0"' },
    );
    expect(org.statusCode, org.body).toBe(200);
    const res = await send(
      app,
      as.privacy_officer,
      'PATCH',
      `${url}/${incidentId}`,
      {
        nature: ['confidentiality'],
        description:
          'A sales account exported the whole contact list at 02:00 and sent it outside the company.',
        consequences: 'Unsolicited messages and phishing attempts using the names and email addresses.',
        measuresTaken: 'The account was disabled and its tokens revoked within the hour.',
        measuresProposed: 'Export limits per role and a second approval for bulk exports.',
        adviceToPeople: 'Be wary of emails that claim to come from us and ask for passwords.',
        likelihood: 3,
        severity: 3,
      },
      { 'if-match': '"3"' },
    );
    expect(res.statusCode, res.body).toBe(200);
    const incident = res.json();
    expect(incident.assessment).toMatchObject({
      level: 'high',
      score: 9,
      authorityRequired: true,
      peopleRequired: true,
    });
    expect(incident.missing).toEqual({ authority: [], people: [] });

    const authority = await send(app, as.privacy_officer, 'POST', `${url}/${incidentId}/drafts/authority`);
    expect(authority.statusCode, authority.body).toBe(200);
    const text = authority.json().text as string;
    for (const part of [
      'Breach of confidentiality',
      'Approximate number of data subjects concerned: 6',
      'Approximate number of personal data records concerned: 10',
      'user.contact.email',
      'Dana Officer',
      'dpo@acme.example',
      'Unsolicited messages',
      'Taken: The account was disabled',
      'Proposed: Export limits',
    ])
      expect(text).toContain(part);
    const letter = await send(app, as.privacy_officer, 'POST', `${url}/${incidentId}/drafts/people`);
    expect(letter.statusCode, letter.body).toBe(200);
    expect(letter.json().sections.map((s: { heading: string }) => s.heading)).toEqual([
      'What happened',
      'What this may mean for you',
      'What we have done',
      'What you can do',
      'Who to contact',
    ]);
    for (const email of emails) expect(authority.body + letter.body).not.toContain(email);
    const drafts = await db
      .selectFrom('audit_log')
      .select('details')
      .where('workspace_id', '=', workspaceId)
      .where('action', '=', 'incident.draft')
      .execute();
    expect(drafts.map((d) => JSON.parse(d.details).kind).sort()).toEqual(['authority', 'people']);
  });

  it('lists whom to notify by pseudonym and channel (the export of everyone names everyone), and exports contact details only under a legal obligation', async () => {
    const { app, as, t, workspaceId } = ctx();
    const db = t.db.kysely;
    const res = await send(app, as.privacy_officer, 'GET', `${url}/${incidentId}/recipients`);
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json();
    expect(list.recipients).toHaveLength(6);
    expect(list.recipients.every((r: { channel: string }) => r.channel === 'email')).toBe(true);
    expect(list.unlisted).toBe(0);
    for (const email of emails) expect(res.body).not.toContain(email);

    const csv = await send(app, as.privacy_officer, 'GET', `${url}/${incidentId}/recipients.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\r\n')[0]).toBe('"pseudonym","channel"');
    expect(csv.body).not.toContain('@');

    await expectRefused(
      db,
      workspaceId,
      () =>
        send(app, as.privacy_officer, 'GET', `${url}/${incidentId}/recipients.csv?contacts=true`, undefined, {
          'custodian-purpose': 'crm',
        }),
      403,
      'NO_LAWFUL_BASIS',
    );
    await expectRefused(
      db,
      workspaceId,
      () =>
        send(app, as.auditor, 'GET', `${url}/${incidentId}/recipients.csv?contacts=true`, undefined, {
          'custodian-purpose': 'accounting',
        }),
      403,
      'FORBIDDEN',
    );
    const contacts = await send(
      app,
      as.privacy_officer,
      'GET',
      `${url}/${incidentId}/recipients.csv?contacts=true`,
      undefined,
      { 'custodian-purpose': 'accounting' },
    );
    expect(contacts.statusCode, contacts.body).toBe(200);
    expect(contacts.body.split('\r\n')[0]).toBe('"pseudonym","channel","name","email","phone"');
    expect(emails.filter((e) => contacts.body.includes(e))).toEqual(emails);
    const entry = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('action', '=', 'incident.recipients_export')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ purpose: 'accounting', outcome: 'allowed', resource_id: incidentId });
    expect(JSON.parse(entry.details)).toMatchObject({ operation: 'export', count: 6 });
  });

  it('runs the 72-hour clock: after the deadline the notification needs the reasons for the delay', async () => {
    const { app, as, t, workspaceId, clock } = ctx();
    const db = t.db.kysely;
    clock.advance(71 * hour);
    const before = (await send(app, as.privacy_officer, 'GET', `${url}/${incidentId}`)).json();
    expect(before.clock).toMatchObject({ state: 'running', remainingMs: hour, lateReasonRequired: false });
    clock.advance(2 * hour);
    const after = await send(app, as.privacy_officer, 'GET', `${url}/${incidentId}`);
    const version = after.headers.etag as string;
    expect(after.json().clock).toMatchObject({
      state: 'overdue',
      remainingMs: -hour,
      lateReasonRequired: true,
    });
    expect(after.json().missing.authority).toEqual(['lateReason']);
    await expectRefused(
      db,
      workspaceId,
      () => send(app, as.privacy_officer, 'POST', `${url}/${incidentId}/drafts/authority`),
      422,
      'INCIDENT_NOTIFICATION_INCOMPLETE',
    );
    const notify = (body: unknown) => () =>
      send(app, as.privacy_officer, 'POST', `${url}/${incidentId}/notifications`, body, {
        'if-match': version,
      });
    await expectRefused(db, workspaceId, notify({ kind: 'authority' }), 422, 'INCIDENT_LATE_REASON_REQUIRED');
    await expectRefused(
      db,
      workspaceId,
      notify({
        kind: 'authority',
        lateReason: 'x',
        at: new Date(clock.now().getTime() + hour).toISOString(),
      }),
      422,
      'INCIDENT_DATES_INVALID',
    );
    // Closing is refused while the notifications are outstanding.
    await expectRefused(
      db,
      workspaceId,
      () =>
        send(app, as.privacy_officer, 'POST', `${url}/${incidentId}/close`, undefined, {
          'if-match': version,
        }),
      409,
      'INCIDENT_NOT_CLOSABLE',
    );
    const done = await notify({
      kind: 'authority',
      lateReason: 'The export was found only during the weekly log review.',
      authorityReference: 'CNIL-2026-77',
    })();
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().clock).toMatchObject({ state: 'late', lateReasonRequired: true });
    expect(done.json().missing.authority).toEqual([]);
    const draft = await send(app, as.privacy_officer, 'POST', `${url}/${incidentId}/drafts/authority`);
    expect(draft.json().text).toContain('Reasons for the delay (Art. 33(1))');
  });

  it('closes once everyone was told, keeps the timeline, and exports the register entry', async () => {
    const { app, as, t, workspaceId } = ctx();
    const db = t.db.kysely;
    let etag = (await send(app, as.privacy_officer, 'GET', `${url}/${incidentId}`)).headers.etag as string;
    const told = await send(
      app,
      as.privacy_officer,
      'POST',
      `${url}/${incidentId}/notifications`,
      { kind: 'people' },
      { 'if-match': etag },
    );
    expect(told.statusCode, told.body).toBe(200);
    etag = told.headers.etag as string;
    const note = await send(app, as.privacy_officer, 'POST', `${url}/${incidentId}/timeline`, {
      note: 'Called the authority to confirm receipt.',
    });
    expect(note.statusCode, note.body).toBe(201);
    const closed = await send(app, as.privacy_officer, 'POST', `${url}/${incidentId}/close`, undefined, {
      'if-match': etag,
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed' });
    await expectRefused(
      db,
      workspaceId,
      () =>
        send(
          app,
          as.privacy_officer,
          'PATCH',
          `${url}/${incidentId}`,
          { title: 'x' },
          { 'if-match': closed.headers.etag as string },
        ),
      409,
      'INCIDENT_CLOSED',
    );

    const timeline = (await send(app, as.auditor, 'GET', `${url}/${incidentId}/timeline`))
      .json()
      .items.map((e: { kind: string }) => e.kind);
    expect(timeline).toEqual(
      expect.arrayContaining([
        'aware',
        'opened',
        'scope_computed',
        'updated',
        'draft',
        'notified_authority',
        'notified_people',
        'note',
        'closed',
      ]),
    );
    expect((await send(app, as.privacy_officer, 'GET', url)).json().items).toHaveLength(0);
    expect((await send(app, as.privacy_officer, 'GET', `${url}?status=closed`)).json().items).toHaveLength(1);

    const html = await send(app, as.auditor, 'GET', `${url}/${incidentId}/export?format=html`);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('INC-2026-0001');
    const json = await send(app, as.auditor, 'GET', `${url}/${incidentId}/export`);
    expect(JSON.parse(json.body)).toMatchObject({
      reference: 'INC-2026-0001',
      status: 'closed',
      effective: { people: 6 },
    });
    for (const email of emails) expect(html.body + json.body).not.toContain(email);
    // Every step left an audit entry.
    const actions = await db
      .selectFrom('audit_log')
      .select('action')
      .where('workspace_id', '=', workspaceId)
      .where('resource_type', '=', 'incident')
      .execute();
    expect(new Set(actions.map((a) => a.action))).toEqual(
      new Set([
        'incident.open',
        'incident.update',
        'incident.draft',
        'incident.notify',
        'incident.note',
        'incident.close',
        'incident.export',
      ]),
    );
    expect(events.filter((e) => e.type === 'incident.updated').length).toBeGreaterThan(3);
  });

  it('replays a create with the same Idempotency-Key and keeps another workspace out', async () => {
    const { app, as, t, clock, workspaceId } = ctx();
    const db = t.db.kysely;
    const at = clock.now().toISOString();
    const body = { title: 'Misdirected email', occurredFrom: at, awareAt: at, nature: ['confidentiality'] };
    const first = await send(app, as.privacy_officer, 'POST', url, body, { 'idempotency-key': 'inc-1' });
    expect(first.statusCode, first.body).toBe(201);
    const again = await send(app, as.privacy_officer, 'POST', url, body, { 'idempotency-key': 'inc-1' });
    expect(again.json().id).toBe(first.json().id);
    await expectRefused(
      db,
      workspaceId,
      () =>
        send(
          app,
          as.privacy_officer,
          'POST',
          url,
          { ...body, title: 'Other' },
          { 'idempotency-key': 'inc-1' },
        ),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );

    const other = await createWorkspace({ db, clock, seeders: workspaceSeeders }, { name: 'Other' });
    const outsider = {
      authorization: `Bearer ${(await insertTokenForRole(db, other, 'privacy_officer')).token}`,
    };
    expect((await send(app, outsider, 'GET', url)).json().items).toEqual([]);
    await expectRefused(
      db,
      workspaceId,
      () => send(app, outsider, 'GET', `${url}/${first.json().id}`),
      404,
      'NOT_FOUND',
    );
    await expectRefused(
      db,
      workspaceId,
      () => send(app, outsider, 'POST', `${url}/${first.json().id}/drafts/authority`),
      404,
      'NOT_FOUND',
    );
    await expectRefused(
      db,
      workspaceId,
      () => send(app, outsider, 'PATCH', `${url}/${first.json().id}`, { title: 'x' }, { 'if-match': '"1"' }),
      404,
      'NOT_FOUND',
    );
    // An account of this workspace cannot be named as involved from another one.
    const problem = await expectRefused(
      db,
      workspaceId,
      () =>
        send(app, outsider, 'POST', url, { ...body, involvedActors: [{ type: 'user', id: salesUserId }] }),
      400,
      'VALIDATION_FAILED',
    );
    expect(problem.errors?.[0]?.path).toBe('/involvedActors/0/id');
  });

  it('closes an incident unlikely to result in a risk only with the reason for not notifying', async () => {
    const { app, as, t, clock, workspaceId } = ctx();
    const at = clock.now().toISOString();
    const created = await send(app, as.privacy_officer, 'POST', url, {
      title: 'Encrypted laptop lost',
      occurredFrom: at,
      awareAt: at,
      likelihood: 1,
      severity: 1,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({
      assessment: { level: 'none', authorityRequired: false, peopleRequired: false },
      clock: { state: 'not_required', remainingMs: null },
    });
    const problem = await expectRefused(
      t.db.kysely,
      workspaceId,
      () => send(app, as.privacy_officer, 'POST', `${url}/${id}/close`, undefined, { 'if-match': '"1"' }),
      409,
      'INCIDENT_NOT_CLOSABLE',
    );
    expect(problem.missing).toEqual(['noNotificationReason']);
    const reason = await send(
      app,
      as.privacy_officer,
      'PATCH',
      `${url}/${id}`,
      { noNotificationReason: 'Full-disk encryption; the key was not on the device.' },
      { 'if-match': '"1"' },
    );
    expect(reason.statusCode, reason.body).toBe(200);
    const closed = await send(app, as.privacy_officer, 'POST', `${url}/${id}/close`, undefined, {
      'if-match': '"2"',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({
      status: 'closed',
      noNotificationReason: 'Full-disk encryption; the key was not on the device.',
    });
  });

  it('opens an incident from an alert with its accounts and evidence, once per alert', async () => {
    const { t, workspaceId, clock, services } = ctx();
    const db = t.db.kysely;
    const ctxOf = { workspaceId, actor: { type: 'system' as const, id: 'alerts' } };
    const input = {
      alertId: '0b7d7a4e-0000-4000-8000-000000000001',
      title: 'Export volume above baseline at night',
      summary: '1 export of 6 people at 02:00; baseline 0.2 exports per day',
      occurredAt: startedAt,
      awareAt: clock.now().toISOString(),
      involvedActors: [{ type: 'user' as const, id: salesUserId }],
      evidenceAuditSeqs: [7, 3],
    };
    const { id } = await db
      .transaction()
      .execute((trx) => services.incidents.openFromAlert(trx, ctxOf, input));
    const incident = await services.incidents.getOrThrow(db, workspaceId, id);
    expect(incident).toMatchObject({
      alertId: input.alertId,
      reference: 'INC-2026-0004',
      evidenceAuditSeqs: [3, 7],
      nature: ['confidentiality'],
      effective: { people: 6, records: 10 },
    });
    await expect(
      db.transaction().execute((trx) => services.incidents.openFromAlert(trx, ctxOf, input)),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });
});
