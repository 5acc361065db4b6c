import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { createNewsletterForm, mailTo, shopOrigin, useChannelsTestApp, publicUrl } from './channels-test-app.ts';

describe.each(testDialects)('consent forms and mail settings on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('creates a form with one unticked checkbox per purpose, pinned to the published notice, with its embed snippet', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    const res = await c.app.inject({ method: 'GET', url: `/api/v1/consent-forms/${id}`, headers: c.as.privacy_officer });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    const form = res.json();
    expect(form.definition.doubleOptIn).toBe(true);
    expect(form.definition.purposes[0]).toMatchObject({ key: 'email_marketing', noticeTitle: 'Newsletter privacy notice' });
    expect(form.definition.purposes[0].textDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(form.embedSnippet).toBe(`<script src="${publicUrl}/widget.js" data-form="${id}" async></script>`);
    const page = await c.app.inject({ method: 'GET', url: `/f/${id}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('type="checkbox" name="purposes" value="email_marketing">');
    expect(page.body).not.toMatch(/checked/);
    expect(page.body).toContain('Send me the monthly newsletter (<a href=');
  });

  it('editing makes a new immutable version (If-Match), the old one stays as evidence', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    const body = { name: 'Newsletter', title: 'Our better newsletter', language: 'en', purposes: [{ key: 'email_marketing', label: 'Yes, the newsletter' }], fields: [{ name: 'email' }], allowedOrigins: [shopOrigin] };
    const missing = await c.app.inject({ method: 'PUT', url: `/api/v1/consent-forms/${id}`, headers: c.as.privacy_officer, payload: body });
    expect(missing.statusCode).toBe(428);
    const res = await c.app.inject({ method: 'PUT', url: `/api/v1/consent-forms/${id}`, headers: { ...c.as.privacy_officer, 'if-match': '"1"' }, payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.json().version).toBe(2);
    const stale = await c.app.inject({ method: 'PUT', url: `/api/v1/consent-forms/${id}`, headers: { ...c.as.privacy_officer, 'if-match': '"1"' }, payload: body });
    expect(stale.statusCode).toBe(412);
    const v1 = await c.services.consentChannels.forms.findVersion(c.t.db.kysely, c.workspaceId, id, 1);
    expect(v1?.definition.title).toBe('Our newsletter');
  });

  it('refuses a purpose without a published notice, one that does not rely on consent, fields the purposes do not need, bad origins', async () => {
    const c = ctx();
    await c.services.purposes.create(c.t.db.kysely, c.system, { key: 'events', name: 'Event invitations', lawfulBasis: 'consent', retention: 'P1Y', requiredCategories: ['user.contact.email'], active: true });
    const base = { name: 'X', title: 'X', language: 'en', fields: [{ name: 'email' }] };
    const post = (payload: object) => c.app.inject({ method: 'POST', url: '/api/v1/consent-forms', headers: c.as.privacy_officer, payload });
    const noNotice = await post({ ...base, purposes: [{ key: 'events', label: 'Invite me' }] });
    expect(noNotice.statusCode).toBe(422);
    expect(noNotice.json()).toMatchObject({ code: 'NOTICE_MISSING', purposes: ['events'] });
    const notConsent = await post({ ...base, purposes: [{ key: 'crm', label: 'CRM' }] });
    expect(notConsent.statusCode).toBe(400);
    const phone = await post({ ...base, purposes: [{ key: 'email_marketing', label: 'News' }], fields: [{ name: 'email' }, { name: 'phone' }] });
    expect(phone.statusCode).toBe(400);
    expect(JSON.stringify(phone.json().errors)).toContain('phone is not needed');
    const noEmail = await post({ ...base, purposes: [{ key: 'email_marketing', label: 'News' }], fields: [{ name: 'firstName' }] });
    expect(noEmail.statusCode).toBe(400);
    const origin = await post({ ...base, purposes: [{ key: 'email_marketing', label: 'News' }], allowedOrigins: ['https://shop.example.test/path'] });
    expect(origin.statusCode).toBe(400);
    const list = await c.app.inject({ method: 'GET', url: '/api/v1/consent-forms', headers: c.as.privacy_officer });
    expect(list.json().items.every((f: { name: string }) => f.name !== 'X')).toBe(true);
  });

  it('serves the widget gzipped, cacheable and readable by other sites', async () => {
    const c = ctx();
    const res = await c.app.inject({ method: 'GET', url: '/widget.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.rawPayload.length).toBe(c.services.consentChannels.widget.gzipped.length);
    const again = await c.app.inject({ method: 'GET', url: '/widget.js', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('SMTP settings: the password is write-only, If-Match guards changes, a test email goes through them', async () => {
    const c = ctx();
    const port = Number(new URL(c.config.smtpUrl ?? '').port);
    const settings = { host: '127.0.0.1', port, secure: false, username: null, password: 'not-returned-secret', from: 'CRM <crm@example.test>' };
    const noMatch = await c.app.inject({ method: 'PUT', url: '/api/v1/settings/mail', headers: c.as.owner, payload: settings });
    expect(noMatch.statusCode).toBe(428);
    const saved = await c.app.inject({ method: 'PUT', url: '/api/v1/settings/mail', headers: { ...c.as.owner, 'if-match': '"0"' }, payload: settings });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).not.toContain('not-returned-secret');
    const read = await c.app.inject({ method: 'GET', url: '/api/v1/settings/mail', headers: c.as.owner });
    expect(read.json().settings).toMatchObject({ host: '127.0.0.1', passwordSet: true, version: 1 });
    expect(read.body).not.toContain('not-returned-secret');
    const row = await c.t.db.kysely.selectFrom('mail_settings').selectAll().where('workspace_id', '=', c.workspaceId).executeTakeFirstOrThrow();
    expect(Buffer.from(row.password ?? []).toString('utf8')).not.toContain('not-returned-secret');
    const bad = await c.app.inject({ method: 'PUT', url: '/api/v1/settings/mail', headers: { ...c.as.owner, 'if-match': '"1"' }, payload: { ...settings, host: 'bad host!' } });
    expect(bad.statusCode).toBe(400);
    const test = await c.app.inject({ method: 'POST', url: '/api/v1/settings/mail/test', headers: c.as.owner, payload: { to: 'admin@example.test' } });
    expect(test.statusCode).toBe(200);
    const message = await mailTo(c, 'admin@example.test');
    expect(message.raw).toContain('From: CRM <crm@example.test>');
    const removed = await c.app.inject({ method: 'DELETE', url: '/api/v1/settings/mail', headers: c.as.owner });
    expect(removed.statusCode).toBe(204);
  });
});
