import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useChannelsTestApp } from '../consent-channels/channels-test-app.ts';
import type { PrivacyEvent } from '../../src/kernel/events/privacy-events.ts';
import {
  createPerson,
  currentRequest,
  fulfil,
  getJson,
  portalView,
  timelineKinds,
  verifiedRequest,
  type Json,
} from './fulfilment-test-helpers.ts';

describe.each(testDialects)('access and rectification fulfilment on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('builds the access export, stores the zip on the request and completes it', async () => {
    const c = ctx();
    const personId = await createPerson(c, {
      firstName: 'Ada',
      lastName: 'Byron',
      email: 'ada.access@example.test',
    });
    const r = await verifiedRequest(c, 'access', 'ada.access@example.test');
    expect(r.personId).toBe(personId);
    const res = await fulfil(c, r.id, 'export');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      released: true,
      flaggedForReview: [],
      request: { status: 'completed' },
    });
    expect(res.headers.etag).toBe(`"${res.json().request.version}"`);
    const stored = await c.services.requests.readResult(c.t.db.kysely, c.workspaceId, r.id);
    expect(stored?.contentType).toBe('application/zip');
    const files = unzipSync(new Uint8Array(stored!.body));
    const json = Object.keys(files).find((f) => f.endsWith('.json'));
    expect(json).toBeDefined();
    expect(Buffer.from(files[json!]!).toString('utf8')).toContain('ada.access@example.test');
    expect((await portalView(c, r.id)).hasResult).toBe(true);
    expect(await timelineKinds(c, r.id)).toEqual(expect.arrayContaining(['export_built', 'result']));
  });

  it('holds an export naming other people until staff confirm its release after review', async () => {
    const c = ctx();
    const ann = await createPerson(c, { firstName: 'Ann', email: 'ann.review@example.test' });
    const ben = await createPerson(c, { firstName: 'Ben', email: 'ben.review@example.test' });
    const activity = await c.app.inject({
      method: 'POST',
      url: '/api/v1/activities',
      headers: c.as.owner,
      payload: {
        type: 'meeting',
        subject: 'Joint workshop',
        occurredAt: '2026-03-01T11:00:00Z',
        links: [
          { entity: 'person', id: ann },
          { entity: 'person', id: ben },
        ],
      },
    });
    expect(activity.statusCode, activity.body).toBe(201);
    const r = await verifiedRequest(c, 'access', 'ann.review@example.test');
    const res = await fulfil(c, r.id, 'export');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ released: false, request: { status: 'in_progress' } });
    expect(res.json().flaggedForReview).toEqual([
      expect.objectContaining({ section: 'activities', recordId: activity.json().id }),
    ]);
    // Nothing the person could download before the review.
    expect(await c.services.requests.readResult(c.t.db.kysely, c.workspaceId, r.id)).toBeNull();
    expect((await portalView(c, r.id)).hasResult).toBe(false);
    expect((await getJson(c, `/api/v1/requests/${r.id}/fulfilment/export/review`)).json()).toMatchObject({
      pending: true,
    });
    expect(await timelineKinds(c, r.id)).toContain('export_review_required');

    const noNote = await fulfil(c, r.id, 'export/release', {});
    expect(noNote.statusCode).toBe(400);
    const released = await fulfil(c, r.id, 'export/release', {
      note: 'The workshop notes only name Ann; kept in.',
    });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().request.status).toBe('completed');
    expect((await portalView(c, r.id)).hasResult).toBe(true);
    const again = await fulfil(c, r.id, 'export/release', { note: 'twice' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('FULFILMENT_CLOSED');
  });

  it('shows proposed values next to current ones, applies approved ones with history and recipients, and emits person.rectified', async () => {
    const c = ctx();
    const events: PrivacyEvent[] = [];
    c.services.privacyEvents.subscribe(async (_trx, event) => {
      if (event.type === 'person.rectified') events.push(event);
    });
    const personId = await createPerson(c, {
      firstName: 'Grace',
      lastName: 'Hoper',
      jobTitle: 'Clerk',
      email: 'grace.rect@example.test',
    });
    const r = await verifiedRequest(c, 'rectification', 'grace.rect@example.test', {
      rectification: { lastName: 'Hopper', jobTitle: 'Rear Admiral', shoeSize: '38' },
    });
    const preview = await getJson(c, `/api/v1/requests/${r.id}/fulfilment/rectification`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().lines).toEqual([
      { field: 'lastName', supported: true, current: 'Hoper', proposed: 'Hopper', autoApply: false },
      { field: 'jobTitle', supported: true, current: 'Clerk', proposed: 'Rear Admiral', autoApply: false },
      { field: 'shoeSize', supported: false, current: null, proposed: '38', autoApply: false },
    ]);

    // Every proposal needs a decision, and an unsupported field cannot be approved: nothing changes.
    const missing = await fulfil(c, r.id, 'rectification', {
      decisions: [{ field: 'lastName', decision: 'approve', reason: 'Passport seen' }],
    });
    expect(missing.statusCode).toBe(400);
    // The person's own field names are free text: the problem names proposals by position.
    expect(missing.body).not.toContain('shoeSize');
    const unsupported = await fulfil(c, r.id, 'rectification', {
      decisions: [
        { field: 'lastName', decision: 'approve', reason: 'Passport seen' },
        { field: 'jobTitle', decision: 'reject', reason: 'Our contract names her Clerk' },
        { field: 'shoeSize', decision: 'approve', reason: 'why not' },
      ],
    });
    expect(unsupported.statusCode).toBe(400);
    expect(
      (await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner })).json()
        .lastName,
    ).toBe('Hoper');
    expect((await currentRequest(c, r.id)).status).toBe('verified');

    const done = await fulfil(c, r.id, 'rectification', {
      decisions: [
        { field: 'lastName', decision: 'approve', reason: 'Passport seen' },
        { field: 'jobTitle', decision: 'reject', reason: 'Our contract names her Clerk' },
        { field: 'shoeSize', decision: 'reject', reason: 'We do not hold shoe sizes' },
      ],
    });
    expect(done.statusCode, done.body).toBe(200);
    const body = done.json();
    expect(body).toMatchObject({
      applied: ['lastName'],
      rejected: ['jobTitle', 'shoeSize'],
      request: { status: 'completed' },
    });
    expect(body.recipients).toContain('Accountants and tax authorities');
    const person = (
      await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner })
    ).json();
    expect(person).toMatchObject({ lastName: 'Hopper', jobTitle: 'Clerk' });
    const history = await c.app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}/rectifications`,
      headers: c.as.privacy_officer,
    });
    expect(history.statusCode, history.body).toBe(200);
    const entry = (history.json().items as Json[])[0]!;
    expect(entry.oldValues).toMatchObject({ lastName: 'Hoper' });
    expect(entry.reason).toContain(r.reference);

    const outcome = (await portalView(c, r.id)).outcome;
    expect(outcome).toEqual(
      expect.arrayContaining([
        'We corrected your last name.',
        'We did not change your job title: Our contract names her Clerk',
        expect.stringContaining('Accountants and tax authorities'),
      ]),
    );
    expect(await timelineKinds(c, r.id)).toEqual(
      expect.arrayContaining(['rectification_decision', 'recipients_notified']),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      subjectPseudonym: person.pseudonym,
      data: { requestId: r.id, fields: ['lastName'] },
    });
    expect(JSON.stringify(events[0])).not.toContain('Hopper');
  });

  it('applies the fields the workspace policy lists without a decision, and refuses a value the people service rejects', async () => {
    const c = ctx();
    const policy = await c.app.inject({
      method: 'PUT',
      url: '/api/v1/fulfilment/rectification-policy',
      headers: c.as.privacy_officer,
      payload: { autoApply: ['firstName'] },
    });
    expect(policy.statusCode, policy.body).toBe(200);
    const bad = await c.app.inject({
      method: 'PUT',
      url: '/api/v1/fulfilment/rectification-policy',
      headers: c.as.privacy_officer,
      payload: { autoApply: ['notes'] },
    });
    expect(bad.statusCode).toBe(400);
    expect((await getJson(c, '/api/v1/fulfilment/rectification-policy')).json()).toEqual({
      autoApply: ['firstName'],
    });

    const personId = await createPerson(c, { firstName: 'Augusta', email: 'augusta.rect@example.test' });
    const wrong = await verifiedRequest(c, 'rectification', 'augusta.rect@example.test', {
      rectification: { email: 'not an email' },
    });
    const refused = await fulfil(c, wrong.id, 'rectification', {
      decisions: [{ field: 'email', decision: 'approve', reason: 'She wrote it' }],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('VALIDATION_FAILED');
    const kept = (
      await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner })
    ).json();
    expect(kept.email).toBe('augusta.rect@example.test');
    expect((await currentRequest(c, wrong.id)).status).toBe('verified');

    const r = await verifiedRequest(c, 'rectification', 'augusta.rect@example.test', {
      rectification: { firstName: 'Ada' },
    });
    const lines = (await getJson(c, `/api/v1/requests/${r.id}/fulfilment/rectification`)).json()
      .lines as Json[];
    expect(lines[0]).toMatchObject({ field: 'firstName', autoApply: true });
    const done = await fulfil(c, r.id, 'rectification', { decisions: [] });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ applied: ['firstName'], request: { status: 'completed' } });
    expect(
      (await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner })).json()
        .firstName,
    ).toBe('Ada');
  });

  it('builds a portability export for a portability request', async () => {
    const c = ctx();
    await createPerson(c, { firstName: 'Pia', email: 'pia.port@example.test' });
    const r = await verifiedRequest(c, 'portability', 'pia.port@example.test');
    const res = await fulfil(c, r.id, 'export');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      filename: `portability-export-${r.reference}.zip`,
      request: { status: 'completed' },
    });
  });

  it('refuses a rectification decided by a role that does not handle requests, and changes nothing', async () => {
    const c = ctx();
    const personId = await createPerson(c, {
      firstName: 'Rex',
      lastName: 'Wrong',
      email: 'rex.restricted@example.test',
    });
    const restricted = await c.app.inject({
      method: 'PUT',
      url: `/api/v1/people/${personId}/restriction`,
      headers: c.as.privacy_officer,
      payload: { reason: 'accuracy_contested' },
    });
    expect(restricted.statusCode, restricted.body).toBe(201);
    const r = await verifiedRequest(c, 'rectification', 'rex.restricted@example.test', {
      rectification: { lastName: 'Right' },
    });
    // Fulfilment runs under the built-in requests purpose (ADR 0034): the gate checks the role's requests permission.
    const fulfilment = c.services.fulfilment;
    const salesCtx = {
      workspaceId: c.workspaceId,
      actor: { type: 'system' as const, id: 'test' },
      purpose: 'crm',
      role: { purposes: ['*'], dataCategories: ['*'], permissions: ['people:write'] },
    };
    const refused = await fulfilment.rectification
      .decide(salesCtx, r.id, { decisions: [{ field: 'lastName', decision: 'approve', reason: 'Checked' }] })
      .catch((e: unknown) => e as { code?: string });
    expect((refused as { code?: string }).code).toBe('ROLE_PURPOSE_DENIED');
    expect((await currentRequest(c, r.id)).status).toBe('verified');
    const history = await c.t.db.kysely
      .selectFrom('person_rectifications')
      .select('id')
      .where('person_id', '=', personId)
      .execute();
    expect(history).toEqual([]);
  });
});
