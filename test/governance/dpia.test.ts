import { describe, expect, it } from 'vitest';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { testDialects } from '../support/test-database.ts';
import { expectRefused, send } from './governance-test-support.ts';

const risk = (severity: number, likelihood: number) => ({
  impacts: ['Unsolicited contact', 'Loss of trust'],
  threats: ['Stolen staff credentials'],
  sources: ['External attacker'],
  existingMeasures: ['Per-person encryption', 'TOTP for officers'],
  plannedMeasures: ['Quarterly access review'],
  severity,
  likelihood,
});

describe.each(testDialects)('DPIAs on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const url = '/api/v1/governance/dpias';
  let id = '';
  let owner = '';

  const complete = () => ({
    title: 'Lead scoring in the CRM',
    context: {
      description: 'Scores leads from their interactions to prioritise sales follow-up.',
      purposeKeys: ['crm', 'sales'],
      dataCategories: ['user.contact.email', 'user.name'],
      retention: 'Scores are kept while the lead is open, at most 2 years.',
      supportingAssets: 'Custodian server, PostgreSQL, backups',
    },
    principles: {
      necessityAndProportionality: 'Only interaction counts are used; no special categories.',
      rightsMeasures: 'Objection honoured at once; access export includes the score.',
    },
    criteria: ['evaluation_scoring', 'large_scale'],
    risks: { illegitimate_access: risk(3, 2), unwanted_modification: risk(2, 1), disappearance: risk(2, 2) },
    actionPlan: [{ measure: 'Quarterly access review', ownerUserId: owner, dueOn: '2026-06-30', status: 'planned' }],
    dpoOpinion: 'Residual risks acceptable with the planned measures.',
    reviewOn: '2027-03-01',
  });

  it('starts a draft with only a title, and recommends a DPIA from two WP248 criteria', async () => {
    const { app, as, t, workspaceId } = ctx();
    owner = (await insertTokenForRole(t.db.kysely, workspaceId, 'privacy_officer')).userId;
    const res = await send(app, as.privacy_officer, 'POST', url, { title: 'Lead scoring in the CRM', criteria: ['evaluation_scoring'] });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    id = d.id;
    expect(d).toMatchObject({ status: 'draft', version: 1, screening: { count: 1, recommended: false } });
    expect(d.missing).toEqual(expect.arrayContaining(['/context/description', '/risks/disappearance/severity', '/dpoOpinion']));
  });

  it('refuses to sign an incomplete DPIA, listing what is missing, and changes nothing', async () => {
    const { app, as, t, workspaceId } = ctx();
    const problem = await expectRefused(t.db.kysely, workspaceId, () => send(app, as.privacy_officer, 'POST', `${url}/${id}/sign`, undefined, { 'if-match': '"1"' }), 422, 'DPIA_INCOMPLETE');
    expect(problem.missing).toEqual(expect.arrayContaining(['/context/purposeKeys', '/risks/illegitimate_access/impacts']));
  });

  it('refuses unknown purposes, categories, owners, criteria, levels and invalid dates, changing nothing', async () => {
    const { app, as, t, workspaceId } = ctx();
    const db = t.db.kysely;
    const put = (body: unknown) => () => send(app, as.privacy_officer, 'PUT', `${url}/${id}`, body, { 'if-match': '"1"' });
    const c = complete();
    const cases: [unknown, string][] = [
      [{ ...c, context: { ...c.context, purposeKeys: ['crm', 'no_such_purpose'] } }, '/context/purposeKeys/1'],
      [{ ...c, context: { ...c.context, dataCategories: ['user.nothing_here'] } }, '/context/dataCategories/0'],
      [{ ...c, actionPlan: [{ ...c.actionPlan[0], ownerUserId: '6f1c3c9e-0000-4000-8000-000000000000' }] }, '/actionPlan/0/ownerUserId'],
      [{ ...c, actionPlan: [{ ...c.actionPlan[0], dueOn: '2026-06-31' }] }, '/actionPlan/0/dueOn'],
      [{ ...c, reviewOn: '2027-02-29' }, '/reviewOn'],
    ];
    for (const [body, path] of cases) {
      expect((await expectRefused(db, workspaceId, put(body), 400, 'VALIDATION_FAILED')).errors?.[0]?.path).toBe(path);
    }
    await expectRefused(db, workspaceId, put({ ...c, criteria: ['vibes'] }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, put({ ...c, risks: { ...c.risks, disappearance: risk(5, 1) } }), 400, 'VALIDATION_FAILED');
  });

  it('signs a complete DPIA, records the purpose versions, and makes it read-only', async () => {
    const { app, as, t, workspaceId } = ctx();
    const filled = await send(app, as.privacy_officer, 'PUT', `${url}/${id}`, complete(), { 'if-match': '"1"' });
    expect(filled.statusCode, filled.body).toBe(200);
    expect(filled.json()).toMatchObject({ missing: [], screening: { count: 2, recommended: true } });
    const signed = await send(app, as.privacy_officer, 'POST', `${url}/${id}/sign`, undefined, { 'if-match': '"2"' });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json()).toMatchObject({ status: 'signed', signedPurposeVersions: { crm: 1, sales: 1 }, review: { needed: false } });
    expect(signed.json().signedBy).toBeTruthy();
    await expectRefused(t.db.kysely, workspaceId, () => send(app, as.privacy_officer, 'PUT', `${url}/${id}`, complete(), { 'if-match': '"3"' }), 409, 'DPIA_SIGNED');
    await expectRefused(t.db.kysely, workspaceId, () => send(app, as.privacy_officer, 'POST', `${url}/${id}/sign`, undefined, { 'if-match': '"3"' }), 409, 'DPIA_SIGNED');
  });

  it('flags a signed DPIA for review when a covered purpose changes, until a review confirms it', async () => {
    const { app, as } = ctx();
    const patched = await send(app, as.privacy_officer, 'PATCH', '/api/v1/purposes/sales', { description: 'Sales pipeline, now with lead scoring' });
    expect(patched.statusCode, patched.body).toBe(200);
    const flagged = (await send(app, as.auditor, 'GET', `${url}/${id}`)).json();
    expect(flagged.review).toEqual({ needed: true, reasons: ['purpose sales changed (version 1 → 2)'] });
    const due = (await send(app, as.auditor, 'GET', '/api/v1/governance/due')).json();
    expect(due.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'dpia_review', resourceId: id, overdue: true })]));

    const confirmed = await send(app, as.privacy_officer, 'POST', `${url}/${id}/review`, { outcome: 'confirmed', nextReviewOn: '2027-06-01' }, { 'if-match': '"3"' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'signed', reviewOn: '2027-06-01', review: { needed: false }, signedPurposeVersions: { sales: 2 } });
  });

  it('reopens a signed DPIA as a draft through a review', async () => {
    const { app, as } = ctx();
    const reopened = await send(app, as.privacy_officer, 'POST', `${url}/${id}/review`, { outcome: 'reopened', nextReviewOn: '2027-06-01' }, { 'if-match': '"4"' });
    expect(reopened.json()).toMatchObject({ status: 'draft', signedAt: null, signedBy: null });
    const resigned = await send(app, as.privacy_officer, 'POST', `${url}/${id}/sign`, undefined, { 'if-match': '"5"' });
    expect(resigned.json().status).toBe('signed');
  });

  it('exports JSON and a printable HTML document with the risk map', async () => {
    const { app, as } = ctx();
    const json = await send(app, as.auditor, 'GET', `${url}/${id}/export?format=json`);
    expect(json.headers['content-type']).toContain('application/json');
    expect(json.json()).toMatchObject({ id, status: 'signed' });
    const html = await send(app, as.auditor, 'GET', `${url}/${id}/export?format=html`);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('Risk map');
    expect(html.body).toContain('Illegitimate access to data');
    expect(html.body).toContain('Quarterly access review');
    expect(html.body).toContain('privacy_officer');
  });

  it('pre-fills the data and retention of a new DPIA from the purposes it covers', async () => {
    const { app, as } = ctx();
    const res = await send(app, as.privacy_officer, 'POST', url, { title: 'Support desk', context: { purposeKeys: ['support'] } });
    expect(res.statusCode, res.body).toBe(201);
    const purpose = (await send(app, as.auditor, 'GET', '/api/v1/purposes/support')).json();
    expect(res.json().context.dataCategories).toEqual([...purpose.requiredCategories, ...purpose.optionalCategories]);
    expect(res.json().context.retention).toBe(`support: ${purpose.retention}`);
  });

  it('lists DPIAs and answers 404 for unknown ids', async () => {
    const { app, as } = ctx();
    const list = (await send(app, as.auditor, 'GET', url)).json();
    expect(list.items.map((d: { id: string }) => d.id)).toContain(id);
    expect(list.items).toHaveLength(2);
    expect((await send(app, as.auditor, 'GET', `${url}/6f1c3c9e-0000-4000-8000-000000000000`)).statusCode).toBe(404);
  });
});
