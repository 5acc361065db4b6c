import { describe, expect, it } from 'vitest';
import { adequacyDecisionFor, adequacyDecisions, eeaCountries, isEea } from '../../src/governance/transfers/adequacy-decisions.ts';
import { isCountryCode } from '../../src/governance/transfers/country-codes.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { completeUsProcessor, expectRefused, send } from './governance-test-support.ts';

describe.each(testDialects)('processors and transfers on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const processors = '/api/v1/governance/processors';
  const transfers = '/api/v1/governance/transfers';
  let processorId = '';

  it('saves an incomplete processor as a draft that lists what it lacks', async () => {
    const { app, as } = ctx();
    const res = await send(app, as.privacy_officer, 'POST', processors, { name: 'Half Done Ltd', role: 'processor', countries: ['GB'] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    const p = res.json();
    expect(p.status).toBe('draft');
    expect(p.missing).toEqual(expect.arrayContaining(['/services', '/purposes', '/agreement/signedOn', '/agreement/terms/audits']));
  });

  it('counts a processor complete only with all eight Art. 28(3) terms checked', async () => {
    const { app, as } = ctx();
    const sevenTerms = { ...completeUsProcessor, agreement: { ...completeUsProcessor.agreement, terms: completeUsProcessor.agreement.terms.slice(0, 7) } };
    const draft = await send(app, as.privacy_officer, 'POST', processors, sevenTerms);
    expect(draft.json()).toMatchObject({ status: 'draft', missing: ['/agreement/terms/audits'] });

    const fixed = await send(app, as.privacy_officer, 'PUT', `${processors}/${draft.json().id}`, completeUsProcessor, { 'if-match': '"1"' });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json()).toMatchObject({ status: 'complete', missing: [], version: 2 });
    processorId = fixed.json().id;
  });

  it('records a sub-processor with its objection deadline', async () => {
    const { app, as } = ctx();
    const res = await send(app, as.privacy_officer, 'POST', processors, {
      ...completeUsProcessor,
      name: 'Cloud Hosting SA',
      role: 'sub_processor',
      parentId: processorId,
      countries: ['FR'],
      subProcessorNotice: { noticeOn: '2026-03-01', objectionWindowDays: 30 },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'complete', objectionDeadline: '2026-03-31', parentId: processorId });
  });

  it('refuses invalid dates, unknown countries, categories, purposes and parents, changing nothing', async () => {
    const { app, as, t, workspaceId } = ctx();
    const db = t.db.kysely;
    const post = (body: unknown) => () => send(app, as.privacy_officer, 'POST', processors, body);
    const cases: [unknown, string][] = [
      [{ ...completeUsProcessor, reviewOn: '2026-02-30' }, '/reviewOn'],
      [{ ...completeUsProcessor, agreement: { ...completeUsProcessor.agreement, signedOn: '2026-13-01' } }, '/agreement/signedOn'],
      [{ ...completeUsProcessor, agreement: { ...completeUsProcessor.agreement, expiresOn: '2025-01-01' } }, '/agreement/expiresOn'],
      [{ ...completeUsProcessor, countries: ['XX'] }, '/countries/0'],
      [{ ...completeUsProcessor, countries: ['us'] }, '/countries/0'],
      [{ ...completeUsProcessor, dataCategories: ['user.no_such_thing'] }, '/dataCategories/0'],
      [{ ...completeUsProcessor, purposes: ['no_such_purpose'] }, '/purposes/0'],
      [{ ...completeUsProcessor, role: 'sub_processor', parentId: '6f1c3c9e-0000-4000-8000-000000000000' }, '/parentId'],
    ];
    for (const [body, path] of cases) {
      const problem = await expectRefused(db, workspaceId, post(body), 400, 'VALIDATION_FAILED');
      expect(problem.errors?.[0]?.path).toBe(path);
    }
    await expectRefused(db, workspaceId, post({ ...completeUsProcessor, role: 'vendor' }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, post({ ...completeUsProcessor, agreement: { ...completeUsProcessor.agreement, terms: ['z'] } }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, () => send(app, as.privacy_officer, 'PUT', `${processors}/${processorId}`, completeUsProcessor, { 'if-match': '"1"' }), 412, 'PRECONDITION_FAILED');
    await expectRefused(db, workspaceId, () => send(app, as.privacy_officer, 'PUT', `${processors}/${processorId}`, completeUsProcessor), 428, 'PRECONDITION_REQUIRED');
  });

  it('flags a non-EEA country of a processor that no transfer covers', async () => {
    const { app, as } = ctx();
    const register = (await send(app, as.auditor, 'GET', transfers)).json();
    expect(register.gaps).toEqual(expect.arrayContaining([expect.objectContaining({ processorId, country: 'US', flags: ['missing_tool'] })]));
    // Ireland is in the EEA: no transfer needed.
    expect(register.gaps.some((g: { country: string }) => g.country === 'IE')).toBe(false);
  });

  it('refuses SCC without module, unknown tools and countries, EEA destinations and tools that do not fit', async () => {
    const { app, as, t, workspaceId } = ctx();
    const db = t.db.kysely;
    const post = (body: unknown) => () => send(app, as.privacy_officer, 'POST', transfers, body);
    const base = { processorId, country: 'US' };
    expect((await expectRefused(db, workspaceId, post({ ...base, tool: 'scc' }), 400, 'VALIDATION_FAILED')).errors?.[0]?.path).toBe('/sccModule');
    await expectRefused(db, workspaceId, post({ ...base, tool: 'scc', sccModule: 5 }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, post({ ...base, tool: 'pinky_promise' }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, post({ ...base, tool: 'art49' }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, post({ ...base, country: 'XX', tool: 'bcr' }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, post({ ...base, country: 'DE', tool: 'bcr' }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, post({ ...base, tool: 'scc', sccModule: 2, expiresOn: '2026-02-29' }), 400, 'VALIDATION_FAILED');
    // Adequacy for a country without a decision, for the US (DPF only), and DPF outside the US.
    await expectRefused(db, workspaceId, post({ ...base, country: 'BR', tool: 'adequacy' }), 422, 'TRANSFER_TOOL_UNFIT');
    await expectRefused(db, workspaceId, post({ ...base, tool: 'adequacy' }), 422, 'TRANSFER_TOOL_UNFIT');
    await expectRefused(db, workspaceId, post({ ...base, country: 'IN', tool: 'dpf' }), 422, 'TRANSFER_TOOL_UNFIT');
    await expectRefused(db, workspaceId, post({ processorId: '6f1c3c9e-0000-4000-8000-000000000000', country: 'US', tool: 'dpf' }), 400, 'VALIDATION_FAILED');
  });

  it('records an SCC transfer, closes the gap, and flags it when it expires or lacks a TIA', async () => {
    const { app, as, clock } = ctx();
    const created = await send(app, as.privacy_officer, 'POST', transfers, {
      processorId,
      country: 'US',
      tool: 'scc',
      sccModule: 2,
      tiaReference: 'TIA-2026-07',
      supplementaryMeasures: 'Encryption in transit and at rest; keys held in the EU',
      expiresOn: '2026-12-31',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ processorName: 'Mailer Inc', countryName: 'United States', flags: [] });
    const register = (await send(app, as.auditor, 'GET', transfers)).json();
    expect(register.gaps.some((g: { processorId: string; country: string }) => g.processorId === processorId && g.country === 'US')).toBe(false);

    const noTia = await send(app, as.privacy_officer, 'PUT', `${transfers}/${created.json().id}`, { processorId, country: 'US', tool: 'scc', sccModule: 2, expiresOn: '2026-12-31' }, { 'if-match': '"1"' });
    expect(noTia.json().flags).toEqual(['no_tia']);

    const before = clock.now();
    clock.set('2027-01-05T09:00:00.000Z');
    try {
      const read = (await send(app, as.auditor, 'GET', `${transfers}/${created.json().id}`)).json();
      expect(read.flags).toEqual(['expired', 'no_tia']);
      const due = (await send(app, as.auditor, 'GET', '/api/v1/governance/due')).json();
      expect(due.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'transfer_expiry', resourceId: created.json().id, overdue: true })]));
    } finally {
      clock.set(before);
    }
  });

  it('pages processors by name with a cursor and refuses a forged cursor', async () => {
    const { app, as, t, workspaceId } = ctx();
    const first = (await send(app, as.auditor, 'GET', `${processors}?limit=2`)).json();
    expect(first.items.map((p: { name: string }) => p.name)).toEqual(['Cloud Hosting SA', 'Half Done Ltd']);
    const second = (await send(app, as.auditor, 'GET', `${processors}?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((p: { name: string }) => p.name)).toEqual(['Mailer Inc']);
    expect(second.nextCursor).toBeNull();
    await expectRefused(t.db.kysely, workspaceId, () => send(app, as.auditor, 'GET', `${processors}?cursor=bm9wZQ`), 400, 'VALIDATION_FAILED');
  });
});

describe('the shipped Chapter V reference data', () => {
  it('lists 30 valid EEA countries and adequacy decisions for valid non-EEA countries only', () => {
    expect(new Set(eeaCountries).size).toBe(30);
    for (const c of eeaCountries) expect(isCountryCode(c), c).toBe(true);
    for (const d of adequacyDecisions) {
      expect(isCountryCode(d.country), d.country).toBe(true);
      expect(isEea(d.country), d.country).toBe(false);
      expect(d.adoptedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('finds a decision only once it was adopted', () => {
    expect(adequacyDecisionFor('US', '2023-07-09')).toBeUndefined();
    expect(adequacyDecisionFor('US', '2023-07-10')?.coverage).toBe('dpf');
    expect(adequacyDecisionFor('BR', '2026-11-01')).toBeUndefined();
  });
});

describe.each(testDialects)('processors and transfers across workspaces on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('refuses a parent processor or a transfer recipient of another workspace, changing nothing', async () => {
    const { app, as, t, clock } = ctx();
    const db = t.db.kysely;
    const other = await createWorkspace({ db, clock, seeders: workspaceSeeders }, { name: 'Other' });
    const otherAuth = { authorization: `Bearer ${(await insertTokenForRole(db, other, 'owner')).token}` };
    const theirs = (await send(app, otherAuth, 'POST', '/api/v1/governance/processors', { ...completeUsProcessor, name: 'Theirs' })).json();
    expect(theirs.id).toBeTruthy();
    const { workspaceId } = ctx();
    const p1 = await expectRefused(db, workspaceId, () => send(app, as.privacy_officer, 'POST', '/api/v1/governance/processors', { ...completeUsProcessor, role: 'sub_processor', parentId: theirs.id }), 400, 'VALIDATION_FAILED');
    expect(p1.errors?.[0]?.path).toBe('/parentId');
    const p2 = await expectRefused(db, workspaceId, () => send(app, as.privacy_officer, 'POST', '/api/v1/governance/transfers', { processorId: theirs.id, country: 'US', tool: 'dpf' }), 400, 'VALIDATION_FAILED');
    expect(p2.errors?.[0]?.path).toBe('/processorId');
    expect((await send(app, as.auditor, 'GET', `/api/v1/governance/processors/${theirs.id}`)).statusCode).toBe(404);
    expect((await send(app, as.auditor, 'GET', '/api/v1/governance/processors')).json().items).toEqual([]);
  });
});
