import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useChannelsTestApp } from '../consent-channels/channels-test-app.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import {
  createPerson,
  currentRequest,
  fulfil,
  getJson,
  portalView,
  timelineKinds,
  verifiedRequest,
} from './fulfilment-test-helpers.ts';

describe.each(testDialects)('erasure and restriction fulfilment on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('erases through the pipeline, returns and links the certificate, and tells the person', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Erin', email: 'erin.erase@example.test' });
    const r = await verifiedRequest(c, 'erasure', 'erin.erase@example.test');
    const preview = await getJson(c, `/api/v1/requests/${r.id}/fulfilment/erasure`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ legalHolds: [], kept: [] });
    expect(preview.json().recipients).toContain('Accountants and tax authorities');

    const res = await fulfil(c, r.id, 'erasure');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.request.status).toBe('completed');
    expect(body.certificate).toMatchObject({ trigger: 'request', subjectPseudonym: expect.any(String) });
    const cert = await getJson(c, `/api/v1/erasure-certificates/${body.certificate.id}`);
    expect(cert.json()).toMatchObject({ id: body.certificate.id, verified: true });
    expect(
      (await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner }))
        .statusCode,
    ).toBe(410);
    const outcome = (await portalView(c, r.id)).outcome;
    expect(outcome).toEqual(
      expect.arrayContaining([
        expect.stringContaining(body.certificate.id),
        expect.stringContaining('Art. 19'),
      ]),
    );
    expect(await timelineKinds(c, r.id)).toEqual(
      expect.arrayContaining(['erasure_certificate', 'recipients_notified']),
    );

    const again = await fulfil(c, r.id, 'erasure');
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('FULFILMENT_CLOSED');
  });

  it('completes the request with the certificate when the person was already erased (a retry after a failed request update)', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Ola', email: 'ola.again@example.test' });
    const r = await verifiedRequest(c, 'erasure', 'ola.again@example.test');
    const certificate = await c.services.erasure.erasePerson({
      workspaceId: c.workspaceId,
      personId,
      trigger: 'request',
      actor: { type: 'system', id: 'test' },
    });
    const res = await fulfil(c, r.id, 'erasure');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      request: { status: 'completed' },
      certificate: { id: certificate.id },
    });
  });

  it('refuses the request with its reason when a legal hold covers the person, and keeps the data', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Hal', email: 'hal.hold@example.test' });
    const hold = await c.app.inject({
      method: 'POST',
      url: '/api/v1/legal-holds',
      headers: c.as.privacy_officer,
      payload: { personId, reason: 'litigation' },
    });
    expect(hold.statusCode, hold.body).toBe(201);
    const r = await verifiedRequest(c, 'erasure', 'hal.hold@example.test');
    expect((await getJson(c, `/api/v1/requests/${r.id}/fulfilment/erasure`)).json().legalHolds).toEqual([
      hold.json().id,
    ]);
    const res = await fulfil(c, r.id, 'erasure');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      certificate: null,
      request: { status: 'refused', refusalReason: expect.stringContaining('Art. 17(3)(e)') },
    });
    const person = await c.app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}`,
      headers: c.as.owner,
    });
    expect(person.statusCode).toBe(200);
    expect(person.json().email).toBe('hal.hold@example.test');
    expect((await portalView(c, r.id)).outcome).toEqual([expect.stringContaining('legal hold')]);
  });

  it('restricts the person; lifting is refused until a notice was emailed to the person, then lifts', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Rita', email: 'rita.restrict@example.test' });
    const r = await verifiedRequest(c, 'restriction', 'rita.restrict@example.test');
    const wrongReason = await fulfil(c, r.id, 'restriction', { reason: 'because' });
    expect(wrongReason.statusCode).toBe(400);
    const res = await fulfil(c, r.id, 'restriction', { reason: 'accuracy_contested' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().request.status).toBe('completed');
    const read = await c.app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}`,
      headers: c.as.owner,
    });
    expect(read.statusCode).toBe(403);
    expect(read.json().code).toBe('RESTRICTED');
    expect((await portalView(c, r.id)).outcome).toEqual(
      expect.arrayContaining([expect.stringContaining('Art. 18(1)(a)')]),
    );

    const early = await fulfil(c, r.id, 'restriction/lift');
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('FULFILMENT_LIFT_NOTICE_REQUIRED');
    expect(
      (await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner }))
        .statusCode,
    ).toBe(403);
    const denied = await c.t.db.kysely
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'fulfilment.restriction_lift')
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied.length).toBe(1);

    const before = c.mail.messages.length;
    const notice = await fulfil(c, r.id, 'restriction/lift-notice', {
      reason: 'We checked your address with the registry: it is right.',
    });
    expect(notice.statusCode, notice.body).toBe(200);
    const mails = await c.mail.waitFor(before + 1);
    const mail = mails[before]!;
    expect(mail.to).toEqual(['rita.restrict@example.test']);
    expect(mail.text).toContain(r.reference);
    expect(mail.text).toContain('checked your address');
    expect(await timelineKinds(c, r.id)).toContain('lift_notice_sent');

    const lifted = await fulfil(c, r.id, 'restriction/lift');
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(
      (await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner }))
        .statusCode,
    ).toBe(200);
    // A new restriction needs a new notice before it is lifted.
    const again = await c.app.inject({
      method: 'PUT',
      url: `/api/v1/people/${personId}/restriction`,
      headers: c.as.privacy_officer,
      payload: { reason: 'legal_claims' },
    });
    expect(again.statusCode, again.body).toBeLessThan(300);
    expect((await fulfil(c, r.id, 'restriction/lift')).json().code).toBe('FULFILMENT_LIFT_NOTICE_REQUIRED');
  });

  it('refuses wrong actions, unverified and closed requests, missing or stale If-Match and unknown ids, leaving data intact', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Bad', email: 'bad.input@example.test' });
    const access = await verifiedRequest(c, 'access', 'bad.input@example.test');
    const wrong = await fulfil(c, access.id, 'erasure');
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json()).toMatchObject({ code: 'FULFILMENT_WRONG_TYPE', requestType: 'access' });
    expect(
      (await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner }))
        .statusCode,
    ).toBe(200);

    const letter = await c.app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: c.as.privacy_officer,
      payload: { type: 'erasure', channel: 'letter', email: 'bad.input@example.test', language: 'en' },
    });
    expect(letter.json().status).toBe('identity_unverified');
    const unverified = await fulfil(c, letter.json().id, 'erasure');
    expect(unverified.statusCode).toBe(409);
    expect(unverified.json().code).toBe('FULFILMENT_NOT_VERIFIED');
    expect(
      (await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner }))
        .statusCode,
    ).toBe(200);

    const erasure = await verifiedRequest(c, 'erasure', 'bad.input@example.test');
    const noIfMatch = await c.app.inject({
      method: 'POST',
      url: `/api/v1/requests/${erasure.id}/fulfilment/erasure`,
      headers: c.as.privacy_officer,
      payload: {},
    });
    expect(noIfMatch.statusCode).toBe(428);
    const stale = await fulfil(c, erasure.id, 'erasure', {}, { 'if-match': '"999"' });
    expect(stale.statusCode).toBe(412);
    const extra = await fulfil(c, erasure.id, 'erasure', { everything: true });
    expect(extra.statusCode).toBe(400);
    const unknown = await c.app.inject({
      method: 'POST',
      url: '/api/v1/requests/00000000-0000-4000-8000-000000000000/fulfilment/erasure',
      headers: { ...c.as.privacy_officer, 'if-match': '"1"' },
      payload: {},
    });
    expect(unknown.statusCode).toBe(404);
    expect(
      (await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner }))
        .statusCode,
    ).toBe(200);
    expect((await currentRequest(c, erasure.id)).status).toBe('verified');

    const cancelled = await c.app.inject({
      method: 'POST',
      url: `/api/v1/requests/${erasure.id}/transitions`,
      headers: { ...c.as.privacy_officer, 'if-match': `"${(await currentRequest(c, erasure.id)).version}"` },
      payload: { to: 'cancelled' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const closed = await fulfil(c, erasure.id, 'erasure');
    expect(closed.statusCode).toBe(409);
    expect(closed.json().code).toBe('FULFILMENT_CLOSED');
    expect(
      (await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner }))
        .statusCode,
    ).toBe(200);

    const noPerson = await verifiedRequest(c, 'erasure', 'nobody.held@example.test');
    const unlinked = await fulfil(c, noPerson.id, 'erasure');
    expect(unlinked.statusCode).toBe(409);
    expect(unlinked.json().code).toBe('FULFILMENT_NO_PERSON');
    const salesToken = (await insertTokenForRole(c.t.db.kysely, c.workspaceId, 'sales')).token;
    const forbidden = await c.app.inject({
      method: 'POST',
      url: `/api/v1/requests/${access.id}/fulfilment/export`,
      headers: { authorization: `Bearer ${salesToken}`, 'if-match': '"1"' },
      payload: {},
    });
    expect(forbidden.statusCode).toBe(403);
    expect(await c.services.requests.readResult(c.t.db.kysely, c.workspaceId, access.id)).toBeNull();
  });
});
