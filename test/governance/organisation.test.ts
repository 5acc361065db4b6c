import { describe, expect, it } from 'vitest';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { expectRefused, send } from './governance-test-support.ts';

const settings = {
  controller: { name: 'Acme GmbH', address: 'Hauptstraße 1, 10115 Berlin', email: 'privacy@acme.test', phone: '+49 30 1234567' },
  representative: null,
  dpo: { name: 'Dana Officer', email: 'dpo@acme.test', phone: '' },
};

describe.each(testDialects)('organisation settings on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const url = '/api/v1/governance/organisation';

  it('starts empty at version 0 and saves versions with If-Match', async () => {
    const { app, as } = ctx();
    const first = await send(app, as.privacy_officer, 'GET', url);
    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).toBe('"0"');
    expect(first.json()).toMatchObject({ version: 0, dpo: null, controller: { name: '' } });

    const saved = await send(app, as.privacy_officer, 'PUT', url, settings, { 'if-match': '"0"' });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.headers.etag).toBe('"1"');
    expect(saved.json()).toMatchObject({ ...settings, version: 1 });

    const again = await send(app, as.owner, 'PUT', url, { ...settings, representative: { name: 'Rep BV', address: 'Amsterdam', email: '', phone: '' } }, { 'if-match': '"1"' });
    expect(again.json().version).toBe(2);
    expect((await send(app, as.auditor, 'GET', url)).json().representative.name).toBe('Rep BV');
  });

  it('keeps the contact values out of the audit entry', async () => {
    const { t, workspaceId } = ctx();
    const entries = await t.db.kysely
      .selectFrom('audit_log')
      .select('details')
      .where('workspace_id', '=', workspaceId)
      .where('action', '=', 'governance.organisation.update')
      .execute();
    expect(entries.length).toBeGreaterThanOrEqual(2);
    for (const e of entries) expect(JSON.stringify(e.details)).not.toMatch(/dpo@acme|Dana|privacy@acme/);
  });

  it('refuses a missing or stale If-Match, a bad email and unknown fields, changing nothing', async () => {
    const { app, as, t, workspaceId } = ctx();
    const db = t.db.kysely;
    await expectRefused(db, workspaceId, () => send(app, as.privacy_officer, 'PUT', url, settings), 428, 'PRECONDITION_REQUIRED');
    await expectRefused(db, workspaceId, () => send(app, as.privacy_officer, 'PUT', url, settings, { 'if-match': '"1"' }), 412, 'PRECONDITION_FAILED');
    const badEmail = { ...settings, dpo: { ...settings.dpo, email: 'not an email' } };
    await expectRefused(db, workspaceId, () => send(app, as.privacy_officer, 'PUT', url, badEmail, { 'if-match': '"2"' }), 400, 'VALIDATION_FAILED');
    await expectRefused(db, workspaceId, () => send(app, as.privacy_officer, 'PUT', url, { ...settings, extra: 1 }, { 'if-match': '"2"' }), 400, 'VALIDATION_FAILED');
  });

  it('lets only governance roles read and write', async () => {
    const { app, as } = ctx();
    expect((await send(app, as.sales, 'GET', url)).statusCode).toBe(403);
    expect((await send(app, as.auditor, 'PUT', url, settings, { 'if-match': '"2"' })).statusCode).toBe(403);
  });

  it('ships the EEA and adequacy decisions with their as-of date', async () => {
    const { app, as } = ctx();
    const body = (await send(app, as.auditor, 'GET', '/api/v1/governance/adequacy')).json();
    expect(body.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.eea.map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(['DE', 'FR', 'NO', 'IS', 'LI']));
    expect(body.eea).toHaveLength(30);
    const us = body.decisions.find((d: { country: string }) => d.country === 'US');
    expect(us).toMatchObject({ coverage: 'dpf', adoptedOn: '2023-07-10' });
    expect(body.decisions.map((d: { country: string }) => d.country)).toEqual(expect.arrayContaining(['GB', 'KR', 'JP', 'CH']));
  });
});
