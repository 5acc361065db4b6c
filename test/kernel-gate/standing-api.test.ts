import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { testDialects } from '../support/test-database.ts';
import { useTestApp } from '../support/test-app.ts';
import { bearerFor, call, expectRefusedUnchanged, kernelSnapshot } from './kernel-test-support.ts';

describe.each(testDialects)('standing API on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  const kernelCtx = () => ({ app: ctx().app, db: ctx().t.db.kysely, workspaceId: ctx().workspaceId });
  let officer = '';
  let sales = '';
  let otherOfficer = '';
  let otherWorkspace = '';
  let peopleApi = false;

  /** A person of the workspace: created through the people API when it exists, else just an id. */
  async function newPerson(authorization = officer): Promise<string> {
    const res = await call(ctx().app, authorization, 'POST', '/api/v1/people', { firstName: 'Ada' });
    if (res.statusCode === 404 && !peopleApi) return randomUUID();
    expect(res.statusCode).toBe(201);
    peopleApi = true;
    return res.json().id as string;
  }

  beforeAll(async () => {
    const { t, workspaceId, clock } = ctx();
    officer = (await bearerFor(t.db.kysely, workspaceId, 'privacy_officer')).authorization;
    sales = (await bearerFor(t.db.kysely, workspaceId, 'sales')).authorization;
    otherWorkspace = await createWorkspace(
      { db: t.db.kysely, clock, seeders: workspaceSeeders },
      { name: 'Other' },
    );
    otherOfficer = (await bearerFor(t.db.kysely, otherWorkspace, 'privacy_officer')).authorization;
    const probe = await call(ctx().app, officer, 'POST', '/api/v1/people', { firstName: 'Probe' });
    peopleApi = probe.statusCode === 201;
  });

  const standingOf = async (id: string) => {
    const res = await call(ctx().app, officer, 'GET', `/api/v1/people/${id}/standing`);
    expect(res.statusCode).toBe(200);
    return res.json() as {
      restriction: { reason: string } | null;
      purposes: {
        purpose: string;
        lawfulBasis: string;
        consentRequired: boolean;
        consent: { state: string; noticeVersion: string | null } | null;
        objection: { outcome: string } | null;
      }[];
    };
  };

  it('shows every purpose with its basis and no consent, objection or restriction for a new person', async () => {
    const id = await newPerson();
    const standing = await standingOf(id);
    expect(standing.restriction).toBeNull();
    expect(standing.purposes.map((p) => [p.purpose, p.lawfulBasis, p.consentRequired])).toEqual([
      ['accounting', 'legal_obligation', false],
      ['crm', 'legitimate_interests', false],
      ['data_subject_requests', 'legal_obligation', false],
      ['email_marketing', 'consent', true],
      ['sales', 'contract', false],
      ['support', 'contract', false],
    ]);
    expect(standing.purposes.every((p) => p.consent === null && p.objection === null)).toBe(true);
  });

  it('records consent given then withdrawn, append-only, and the standing follows the latest', async () => {
    const id = await newPerson();
    const given = await call(ctx().app, sales, 'POST', `/api/v1/people/${id}/consents`, {
      purpose: 'email_marketing',
      state: 'given',
      method: 'web_form',
      noticeVersion: 'newsletter-v3',
    });
    expect(given.statusCode).toBe(201);
    expect(given.json()).toMatchObject({
      purpose: 'email_marketing',
      purposeVersion: 1,
      state: 'given',
      noticeVersion: 'newsletter-v3',
    });
    expect(
      (await standingOf(id)).purposes.find((p) => p.purpose === 'email_marketing')?.consent,
    ).toMatchObject({ state: 'given' });
    await call(ctx().app, sales, 'POST', `/api/v1/people/${id}/consents`, {
      purpose: 'email_marketing',
      state: 'withdrawn',
      method: 'email',
    });
    expect(
      (await standingOf(id)).purposes.find((p) => p.purpose === 'email_marketing')?.consent,
    ).toMatchObject({ state: 'withdrawn' });
    const events = await ctx()
      .t.db.kysely.selectFrom('consent_events')
      .select('state')
      .where('person_id', '=', id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.state)).toEqual(['given', 'withdrawn']);
    const audit = await ctx()
      .t.db.kysely.selectFrom('audit_log')
      .select(['action', 'details', 'subject_pseudonym'])
      .where('action', 'like', 'consent.%')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    for (const a of audit) expect(a.details).not.toContain(id);
  });

  it('refuses bad consent input and changes nothing', async () => {
    const id = await newPerson();
    const url = `/api/v1/people/${id}/consents`;
    const ok = { purpose: 'email_marketing', state: 'given', method: 'web_form' };
    expect(
      (
        await expectRefusedUnchanged(
          kernelCtx(),
          () => call(ctx().app, officer, 'POST', url, { ...ok, purpose: 'crm' }),
          400,
          'VALIDATION_FAILED',
        )
      ).errors[0].path,
    ).toBe('/purpose');
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', url, { ...ok, purpose: 'no_such_purpose' }),
      400,
      'PURPOSE_UNKNOWN',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', url, { ...ok, state: 'maybe' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', url, { ...ok, method: 'telepathy' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', url, { ...ok, extra: 1 }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', url, { ...ok, noticeVersion: 'v'.repeat(65) }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', url, { state: 'given' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', '/api/v1/people/not-a-person/consents', ok),
      404,
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'GET', '/api/v1/people/not-a-person/standing'),
      404,
      'NOT_FOUND',
    );
  });

  it('objections: pending, decided once; direct marketing upheld at once; only objectable purposes', async () => {
    const id = await newPerson();
    const url = `/api/v1/people/${id}/objections`;
    const raised = await call(ctx().app, officer, 'POST', url, { purpose: 'crm' });
    expect(raised.statusCode).toBe(201);
    expect(raised.json()).toMatchObject({ purpose: 'crm', outcome: 'pending', decidedAt: null });
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', url, { purpose: 'crm' }),
      409,
      'CONFLICT',
    );
    const objectionId = raised.json().id as string;
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'PATCH', `${url}/${objectionId}`, { outcome: 'pending' }),
      400,
      'VALIDATION_FAILED',
    );
    const decided = await call(ctx().app, officer, 'PATCH', `${url}/${objectionId}`, { outcome: 'upheld' });
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({ outcome: 'upheld' });
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'PATCH', `${url}/${objectionId}`, { outcome: 'rejected' }),
      409,
      'CONFLICT',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'PATCH', `${url}/${randomUUID()}`, { outcome: 'rejected' }),
      404,
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'PATCH', `${url}/not-a-uuid`, { outcome: 'rejected' }),
      400,
      'VALIDATION_FAILED',
    );
    const dm = await call(ctx().app, officer, 'POST', url, { purpose: 'email_marketing' });
    expect(dm.json()).toMatchObject({ outcome: 'upheld' });
    expect(
      (
        await expectRefusedUnchanged(
          kernelCtx(),
          () => call(ctx().app, officer, 'POST', url, { purpose: 'sales' }),
          400,
          'VALIDATION_FAILED',
        )
      ).errors[0].path,
    ).toBe('/purpose');
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, sales, 'POST', url, { purpose: 'support' }),
      403,
      'FORBIDDEN',
    );
    const standing = await standingOf(id);
    expect(standing.purposes.find((p) => p.purpose === 'crm')?.objection).toMatchObject({
      outcome: 'upheld',
    });
  });

  it('restriction: set with a reason, not twice, lifted once', async () => {
    const id = await newPerson();
    const url = `/api/v1/people/${id}/restriction`;
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'PUT', url, { reason: 'because' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'PUT', url, {}),
      400,
      'VALIDATION_FAILED',
    );
    const set = await call(ctx().app, officer, 'PUT', url, { reason: 'accuracy_contested' });
    expect(set.statusCode).toBe(201);
    expect((await standingOf(id)).restriction).toMatchObject({ reason: 'accuracy_contested' });
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'PUT', url, { reason: 'legal_claims' }),
      409,
      'CONFLICT',
    );
    const lifted = await call(ctx().app, officer, 'DELETE', url);
    expect(lifted.statusCode).toBe(200);
    expect(lifted.json().liftedAt).toBeTruthy();
    expect((await standingOf(id)).restriction).toBeNull();
    await expectRefusedUnchanged(kernelCtx(), () => call(ctx().app, officer, 'DELETE', url), 409, 'CONFLICT');
  });

  it('keeps workspaces apart: another workspace’s person and objection ids answer 404', async () => {
    const theirs = await newPerson(otherOfficer);
    const objection = await call(ctx().app, otherOfficer, 'POST', `/api/v1/people/${theirs}/objections`, {
      purpose: 'crm',
    });
    expect(objection.statusCode).toBe(201);
    const theirsBefore = await kernelSnapshot(ctx().t.db.kysely, otherWorkspace);
    const mine = await newPerson();
    // Their objection id under one of my persons.
    await expectRefusedUnchanged(
      kernelCtx(),
      () =>
        call(ctx().app, officer, 'PATCH', `/api/v1/people/${mine}/objections/${objection.json().id}`, {
          outcome: 'rejected',
        }),
      404,
      'NOT_FOUND',
    );
    if (peopleApi) {
      await expectRefusedUnchanged(
        kernelCtx(),
        () => call(ctx().app, officer, 'GET', `/api/v1/people/${theirs}/standing`),
        404,
        'NOT_FOUND',
      );
      await expectRefusedUnchanged(
        kernelCtx(),
        () =>
          call(ctx().app, officer, 'PUT', `/api/v1/people/${theirs}/restriction`, { reason: 'legal_claims' }),
        404,
        'NOT_FOUND',
      );
      await expectRefusedUnchanged(
        kernelCtx(),
        () =>
          call(ctx().app, officer, 'POST', `/api/v1/people/${randomUUID()}/consents`, {
            purpose: 'email_marketing',
            state: 'given',
            method: 'api',
          }),
        404,
        'NOT_FOUND',
      );
    }
    expect(await kernelSnapshot(ctx().t.db.kysely, otherWorkspace)).toBe(theirsBefore);
  });
});
