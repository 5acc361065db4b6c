import { describe, expect, it } from 'vitest';
import { ropaSnapshotJob } from '../../src/governance/ropa/ropa-snapshot-job.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { completeUsProcessor, expectRefused, send } from './governance-test-support.ts';

describe.each(testDialects)('records of processing on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const url = '/api/v1/governance/ropa';

  it('generates one record per purpose with the Art. 30(1) items from the live configuration', async () => {
    const { app, as } = ctx();
    const res = await send(app, as.auditor, 'GET', url);
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.version).toBe(1);
    expect(s.digest).toMatch(/^[0-9a-f]{64}$/);
    const keys = s.document.activities.map((a: { purposeKey: string }) => a.purposeKey);
    expect(keys).toEqual(['accounting', 'crm', 'data_subject_requests', 'email_marketing', 'sales', 'support']);
    const crm = s.document.activities.find((a: { purposeKey: string }) => a.purposeKey === 'crm');
    expect(crm.lawfulBasis).toBeTruthy();
    expect(crm.retention).toMatch(/^P/);
    expect(crm.dataSubjects[0]).toMatch(/People recorded in the CRM/);
    expect(crm.dataCategories.length).toBeGreaterThan(0);
    expect(crm.accessRoles).toEqual(expect.arrayContaining(['Owner', 'Privacy officer']));
    expect(s.document.securityMeasures.join(' ')).toMatch(/AES-256-GCM/);
    expect(s.document.openItems).toEqual(expect.arrayContaining([expect.stringMatching(/controller\.name is missing/)]));
  });

  it('takes a new version when an input changes, and shows processors and transfers with their safeguards', async () => {
    const { app, as, clock } = ctx();
    clock.set('2026-04-01T10:00:00.000Z');
    await send(app, as.privacy_officer, 'PUT', '/api/v1/governance/organisation', {
      controller: { name: 'Acme GmbH', address: 'Berlin', email: 'privacy@acme.test', phone: '' },
      representative: null,
      dpo: { name: 'Dana Officer', email: 'dpo@acme.test', phone: '' },
    }, { 'if-match': '"0"' });
    clock.set('2026-05-01T10:00:00.000Z');
    const p = (await send(app, as.privacy_officer, 'POST', '/api/v1/governance/processors', completeUsProcessor)).json();
    await send(app, as.privacy_officer, 'POST', '/api/v1/governance/transfers', { processorId: p.id, country: 'US', tool: 'scc', sccModule: 2, tiaReference: 'TIA-7' });

    const s = (await send(app, as.auditor, 'GET', url)).json();
    expect(s.version).toBeGreaterThanOrEqual(4);
    expect(s.document.controller.name).toBe('Acme GmbH');
    expect(s.document.dpo.email).toBe('dpo@acme.test');
    const crm = s.document.activities.find((a: { purposeKey: string }) => a.purposeKey === 'crm');
    expect(crm.recipients).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Mailer Inc', kind: 'processor', status: 'complete' })]));
    expect(crm.transfers).toEqual([expect.objectContaining({ recipient: 'Mailer Inc', country: 'US', tiaReference: 'TIA-7', flags: [] })]);
    expect(crm.transfers[0].safeguards).toMatch(/module 2 \(controller to processor\)/);
    // The processor is linked to `crm` only.
    const sales = s.document.activities.find((a: { purposeKey: string }) => a.purposeKey === 'sales');
    expect(sales.recipients.some((r: { name: string }) => r.name === 'Mailer Inc')).toBe(false);
  });

  it('reads the record as of a date, and lists versions with digests', async () => {
    const { app, as } = ctx();
    const april = (await send(app, as.auditor, 'GET', `${url}?asOf=2026-04-15`)).json();
    expect(april.document.controller.name).toBe('Acme GmbH');
    const aprilCrm = april.document.activities.find((a: { purposeKey: string }) => a.purposeKey === 'crm');
    expect(aprilCrm.recipients.some((r: { name: string }) => r.name === 'Mailer Inc')).toBe(false);
    const march = (await send(app, as.auditor, 'GET', `${url}?asOf=2026-03-02T10:00:00Z`)).json();
    expect(march.version).toBe(1);
    expect(march.document.controller.name).toBe('');

    const versions = (await send(app, as.auditor, 'GET', `${url}/versions`)).json().items;
    expect(versions[0].version).toBeGreaterThan(versions.at(-1).version);
    expect(new Set(versions.map((v: { digest: string }) => v.digest)).size).toBe(versions.length);
  });

  it('picks up a purpose change on the next read, without a new version when nothing changed', async () => {
    const { app, as, clock } = ctx();
    clock.set('2026-06-01T10:00:00.000Z');
    const before = (await send(app, as.auditor, 'GET', url)).json();
    expect((await send(app, as.auditor, 'GET', url)).json().version).toBe(before.version);
    const patched = await send(app, as.privacy_officer, 'PATCH', '/api/v1/purposes/crm', { description: 'Customer relationship management, reworded' });
    expect(patched.statusCode, patched.body).toBe(200);
    const after = (await send(app, as.auditor, 'GET', url)).json();
    expect(after.version).toBe(before.version + 1);
    expect(after.document.activities.find((a: { purposeKey: string }) => a.purposeKey === 'crm').description).toBe('Customer relationship management, reworded');
    const onDemand = await send(app, as.privacy_officer, 'POST', `${url}/snapshots`);
    expect(onDemand.statusCode).toBe(201);
    expect(onDemand.json()).toMatchObject({ version: after.version + 1, reason: 'on_demand', digest: after.digest });
  });

  it('records a change made outside the governance registers when the snapshot job runs', async () => {
    const { app, as, t, clock, services } = ctx();
    clock.set('2026-07-01T10:00:00.000Z');
    const before = (await send(app, as.auditor, 'GET', `${url}/versions`)).json().items[0];
    const patched = await send(app, as.privacy_officer, 'PATCH', '/api/v1/purposes/support', { description: 'Support desk, reworded' });
    expect(patched.statusCode, patched.body).toBe(200);
    const job = ropaSnapshotJob({ db: t.db, ropa: services.governance.ropa });
    await job.run();
    await job.run();
    const versions = (await send(app, as.auditor, 'GET', `${url}/versions`)).json().items;
    expect(versions[0]).toMatchObject({ version: before.version + 1, reason: 'change', takenAt: '2026-07-01T10:00:00.000Z' });
  });

  it('exports CSV, JSON and printable HTML, as of a date too', async () => {
    const { app, as } = ctx();
    const csv = await send(app, as.auditor, 'GET', `${url}/export?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toMatch(/^version,taken_at,digest,controller/);
    expect(csv.body).toContain('Mailer Inc → US');

    const html = await send(app, as.auditor, 'GET', `${url}/export?format=html&asOf=2026-04-15`);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('<!doctype html>');
    expect(html.body).toContain('@media print');
    expect(html.body).toContain('Acme GmbH');
    expect(html.body).not.toContain('Mailer Inc');

    const json = await send(app, as.auditor, 'GET', `${url}/export?format=json`);
    expect(json.headers['content-disposition']).toMatch(/attachment; filename="records-of-processing-v\d+-/);
    expect(json.json().document.activities.length).toBe(6);
  });

  it('escapes HTML in exported values', async () => {
    const { app, as } = ctx();
    const p = await send(app, as.privacy_officer, 'POST', '/api/v1/governance/processors', { ...completeUsProcessor, name: '<script>alert(1)</script>', countries: ['DE'] });
    expect(p.statusCode).toBe(201);
    const html = (await send(app, as.auditor, 'GET', `${url}/export?format=html`)).body;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses invalid as-of dates and formats, and dates before the first version', async () => {
    const { app, as, t, workspaceId } = ctx();
    const db = t.db.kysely;
    await expectRefused(db, workspaceId, () => send(app, as.auditor, 'GET', `${url}?asOf=2026-02-30`), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, () => send(app, as.auditor, 'GET', `${url}?asOf=yesterday`), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, () => send(app, as.auditor, 'GET', `${url}/export?format=pdf`), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, () => send(app, as.auditor, 'GET', `${url}?asOf=2020-01-01`), 404, 'NOT_FOUND');
    expect((await send(app, as.sales, 'GET', url)).statusCode).toBe(403);
  });
});
