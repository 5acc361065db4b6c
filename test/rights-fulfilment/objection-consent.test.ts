import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useChannelsTestApp, type ChannelsTestApp } from '../consent-channels/channels-test-app.ts';
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

async function giveConsent(c: ChannelsTestApp, personId: string, purpose: string) {
  const res = await c.app.inject({
    method: 'POST',
    url: `/api/v1/people/${personId}/consents`,
    headers: c.as.privacy_officer,
    payload: { purpose, state: 'given', method: 'web_form' },
  });
  expect(res.statusCode, res.body).toBe(201);
}

async function readAs(c: ChannelsTestApp, personId: string, purpose: string) {
  return c.app.inject({
    method: 'GET',
    url: `/api/v1/people/${personId}`,
    headers: { ...c.as.privacy_officer, 'custodian-purpose': purpose },
  });
}

describe.each(testDialects)('objection and consent withdrawal fulfilment on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('upholds an objection to direct marketing at once and suppresses the address', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Mark', email: 'mark.object@example.test' });
    await giveConsent(c, personId, 'email_marketing');
    expect((await readAs(c, personId, 'email_marketing')).statusCode).toBe(200);
    const r = await verifiedRequest(c, 'objection', 'mark.object@example.test', {
      purposes: ['email_marketing'],
    });
    const res = await fulfil(c, r.id, 'objection');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      request: { status: 'completed' },
      objections: [{ purpose: 'email_marketing', directMarketing: true, outcome: 'upheld' }],
    });
    const marketing = await readAs(c, personId, 'email_marketing');
    expect(marketing.statusCode).toBe(403);
    expect(marketing.json().code).toBe('OBJECTED');
    expect(
      await c.services.people.findSuppressed(c.workspaceId, [{ email: 'mark.object@example.test' }]),
    ).toEqual([0]);
    expect((await portalView(c, r.id)).outcome).toEqual([expect.stringContaining('Art. 21(3)')]);
  });

  it('pauses legitimate-interest processing until staff record an assessment, then tells the outcome', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Lia', email: 'lia.object@example.test' });
    const r = await verifiedRequest(c, 'objection', 'lia.object@example.test', { purposes: ['crm'] });
    const notObjectable = await fulfil(c, r.id, 'objection', { purposes: ['sales'] });
    expect(notObjectable.statusCode).toBe(400);
    expect((await readAs(c, personId, 'crm')).statusCode).toBe(200);

    const res = await fulfil(c, r.id, 'objection');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      request: { status: 'in_progress' },
      objections: [{ purpose: 'crm', outcome: 'pending' }],
    });
    const paused = await readAs(c, personId, 'crm');
    expect(paused.statusCode).toBe(403);
    expect(paused.json().code).toBe('OBJECTED');
    // Contract processing goes on while the objection to CRM is weighed.
    expect((await readAs(c, personId, 'sales')).statusCode).toBe(200);

    const objectionId = res.json().objections[0].objectionId as string;
    const short = await fulfil(c, r.id, 'objection/assessment', {
      objectionId,
      outcome: 'rejected',
      assessment: 'No.',
    });
    expect(short.statusCode).toBe(400);
    const unknown = await fulfil(c, r.id, 'objection/assessment', {
      objectionId: '00000000-0000-4000-8000-000000000000',
      outcome: 'rejected',
      assessment: 'Compelling grounds that do not exist for this id.',
    });
    expect(unknown.statusCode).toBe(404);
    const tooLong = await fulfil(c, r.id, 'objection/assessment', {
      objectionId,
      outcome: 'rejected',
      assessment: 'x'.repeat(1501),
    });
    expect(tooLong.statusCode).toBe(400);
    expect((await readAs(c, personId, 'crm')).statusCode).toBe(403);

    const assessed = await fulfil(c, r.id, 'objection/assessment', {
      objectionId,
      outcome: 'rejected',
      assessment: 'She is our customer with an open support case; keeping her contact is needed to serve it.',
    });
    expect(assessed.statusCode, assessed.body).toBe(200);
    expect(assessed.json()).toMatchObject({
      request: { status: 'completed' },
      objections: [{ objectionId, outcome: 'rejected' }],
    });
    expect((await readAs(c, personId, 'crm')).statusCode).toBe(200);
    expect((await portalView(c, r.id)).outcome).toEqual([
      expect.stringContaining('compelling legitimate grounds'),
    ]);
    expect(await timelineKinds(c, r.id)).toEqual(
      expect.arrayContaining(['objection_recorded', 'objection_assessed', 'objection_assessment']),
    );
    const listed = await getJson(c, `/api/v1/requests/${r.id}/fulfilment/objection`);
    expect(listed.json().objections).toHaveLength(1);
  });

  it('upholds a legitimate-interest objection after assessment: processing stays stopped', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Uma', email: 'uma.object@example.test' });
    const r = await verifiedRequest(c, 'objection', 'uma.object@example.test');
    const res = await fulfil(c, r.id, 'objection', { purposes: ['crm'] });
    const objectionId = res.json().objections[0].objectionId as string;
    const assessed = await fulfil(c, r.id, 'objection/assessment', {
      objectionId,
      outcome: 'upheld',
      assessment: 'No compelling grounds: she is neither customer nor prospect any more.',
    });
    expect(assessed.statusCode, assessed.body).toBe(200);
    expect(assessed.json().request.status).toBe('completed');
    expect((await readAs(c, personId, 'crm')).statusCode).toBe(403);
    const twice = await fulfil(c, r.id, 'objection/assessment', {
      objectionId,
      outcome: 'rejected',
      assessment: 'Changed our mind about it.',
    });
    expect(twice.statusCode).toBe(409);
  });

  it('withdraws the consents in force and completes the request', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Wil', email: 'wil.withdraw@example.test' });
    await giveConsent(c, personId, 'email_marketing');
    const r = await verifiedRequest(c, 'consent_withdrawal', 'wil.withdraw@example.test');
    const notConsent = await fulfil(c, r.id, 'consent-withdrawal', { purposes: ['crm'] });
    expect(notConsent.statusCode).toBe(400);
    expect((await readAs(c, personId, 'email_marketing')).statusCode).toBe(200);

    const res = await fulfil(c, r.id, 'consent-withdrawal');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ withdrawn: ['email_marketing'], request: { status: 'completed' } });
    const standing = (await getJson(c, `/api/v1/people/${personId}/standing`)).json();
    const marketing = (standing.purposes as Json[]).find((p) => p.purpose === 'email_marketing')!;
    expect(marketing.consent).toMatchObject({ state: 'withdrawn', method: 'email' });
    const refused = await readAs(c, personId, 'email_marketing');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('CONSENT_MISSING');
    expect((await portalView(c, r.id)).outcome).toEqual([
      expect.stringContaining('withdrawal of your consent'),
    ]);
    expect((await currentRequest(c, r.id)).status).toBe('completed');
  });
});
