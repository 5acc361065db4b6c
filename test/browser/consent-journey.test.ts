import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTokenForRole } from '../support/owner-token.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

const visitor = { email: 'hedy.lamarr@example.test', firstName: 'Hedy' };

/** Undoes quoted-printable soft breaks and escapes. */
function decodeQp(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Waits for a message in the development outbox whose text matches, and returns it decoded. */
async function outboxMessage(dataDir: string, matches: (text: string) => boolean): Promise<string> {
  const outbox = path.join(dataDir, 'outbox');
  for (let i = 0; i < 300; i++) {
    const files = fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')) : [];
    for (const file of files) {
      // Header lines may be folded (RFC 5322): unfold before matching.
      const text = decodeQp(fs.readFileSync(path.join(outbox, file), 'utf8')).replace(/\r?\n[ \t]+/g, ' ');
      if (matches(text)) return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no such message in the outbox');
}

/**
 * The whole consent journey in Chromium (issue 5, "done when"): a shop page on another local origin embeds the widget;
 * the visitor submits; the confirmation email arrives in the outbox; the visitor confirms on the page behind the link;
 * the signed receipt arrives; the visitor's mail client withdraws with one click (RFC 8058 POST); the preference centre
 * shows it; the console shows the person's consent history.
 */
describe('the consent journey from a website to the console', () => {
  let server: ConsoleServer;
  let site: http.Server;
  let siteOrigin = '';
  let browser: Browser;
  let page: Page;
  let owner = '';
  let formId = '';
  let unsubscribeUrl = '';
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    const workspace = await server.t.db.kysely.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    owner = `Bearer ${(await insertTokenForRole(server.t.db.kysely, workspace.id, 'owner')).token}`;
    site = http.createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop news</h1>
<script src="${server.baseUrl}/widget.js" data-form="${formId}" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

    const call = async (method: 'POST' | 'GET', url: string, payload?: object) => {
      const res = await server.app.inject({ method, url, headers: { authorization: owner }, ...(payload ? { payload } : {}) });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json() as Record<string, unknown>;
    };
    await call('POST', '/api/v1/purposes/email_marketing/activate');
    const draft = await call('POST', '/api/v1/notices', { purpose: 'email_marketing', language: 'en', title: 'Shop newsletter notice' });
    await call('POST', `/api/v1/notices/versions/${String(draft.id)}/publish`);
    const form = await call('POST', '/api/v1/consent-forms', {
      name: 'Shop newsletter',
      title: 'Get our newsletter',
      language: 'en',
      purposes: [{ key: 'email_marketing', label: 'Email me the monthly newsletter' }],
      fields: [{ name: 'email' }, { name: 'firstName' }],
      allowedOrigins: [siteOrigin],
    });
    formId = String(form.id);

    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await server?.close();
  });

  it('the visitor submits the widget on the shop page; nothing is given yet, a confirmation email arrives', async () => {
    await page.goto(`${siteOrigin}/`);
    await page.getByLabel(/Email address/).fill(visitor.email);
    await page.getByLabel(/First name/).fill(visitor.firstName);
    const box = page.getByRole('checkbox', { name: /Email me the monthly newsletter/ });
    expect(await box.isChecked()).toBe(false);
    // Without the box ticked, nothing is sent: the error is announced and focus goes to the box.
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('alert').filter({ hasText: 'Tick at least one box' }).waitFor();
    await box.check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('Almost done: we sent you an email').waitFor();
    // The unticked box was the visitor's affirmative act; until confirmation nothing is given.
    const mail = await outboxMessage(server.t.dataDir, (t) => t.includes(visitor.email) && t.includes('/c/'));
    expect(mail).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    unsubscribeUrl = /List-Unsubscribe: <([^>]+)>/.exec(mail)?.[1] ?? '';
    expect(unsubscribeUrl).toMatch(/\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const token = /\/c\/([A-Za-z0-9_.-]+)/.exec(mail)?.[1] ?? '';
    await page.goto(`${server.baseUrl}/c/${token}`);
    await page.getByRole('heading', { name: 'Confirm your consent' }).waitFor();
  });

  it('the visitor confirms on the page behind the link and receives the signed receipt', async () => {
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Thank you: confirmed' }).waitFor();
    const receipt = await outboxMessage(server.t.dataDir, (t) => t.includes(visitor.email) && t.includes('consent-receipt-email_marketing.jws'));
    expect(receipt).toMatch(/List-Unsubscribe: </);
  });

  it('one click from the mail client withdraws at once, and the preference centre shows it', async () => {
    const tokenPath = new URL(unsubscribeUrl).pathname;
    const res = await fetch(`${server.baseUrl}${tokenPath}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    await page.goto(`${server.baseUrl}${tokenPath.replace('/u/', '/p/')}`);
    await page.getByRole('heading', { name: 'Your preferences' }).waitFor();
    const history = page.getByRole('table');
    await history.getByRole('row', { name: /email_marketing withdrawn unsubscribe link/ }).waitFor();
    await history.getByRole('row', { name: /email_marketing given email confirmation/ }).waitFor();
    expect(await page.getByRole('checkbox', { name: /Email marketing/ }).isChecked()).toBe(false);
  });

  it('the console shows the person with their consent history, and the form with its submission and embed snippet', async () => {
    const found = await server.app.inject({
      method: 'POST',
      url: '/api/v1/people/lookup',
      headers: { authorization: owner, 'custodian-purpose': 'consent_records' },
      payload: { email: visitor.email },
    });
    const personId = (found.json() as { items: { id: string }[] }).items[0]?.id ?? '';
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await page.goto(`${server.baseUrl}/people/${personId}`);
    const history = page.getByRole('table', { name: 'Consent history' });
    await history.getByRole('row', { name: /email_marketing withdrawn unsubscribe link/ }).waitFor();
    await history.getByRole('row', { name: /email_marketing requested widget/ }).waitFor();

    await page.goto(`${server.baseUrl}/consent-forms`);
    const forms = page.getByRole('table', { name: 'Consent forms' });
    const row = forms.getByRole('row').filter({ hasText: 'Shop newsletter' });
    // Purposes, version 1, one submission, double opt-in on.
    await expect.poll(async () => (await row.allTextContents()).join('')).toMatch(/email_marketing11on/);
    await page.getByRole('button', { name: 'Embed Shop newsletter' }).click();
    await page.getByText(`data-form="${formId}"`).waitFor();
    await page.keyboard.press('Escape');

    // Editing publishes version 2 through the builder (If-Match); the preview shows the unticked box.
    await page.getByRole('button', { name: 'Edit Shop newsletter' }).click();
    const builder = page.getByRole('dialog', { name: 'New version of Shop newsletter' });
    await builder.getByLabel(/Title shown to visitors/).fill('Get our monthly newsletter');
    await builder.getByRole('region', { name: 'Preview' }).getByText('Get our monthly newsletter').waitFor();
    await builder.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(async () => (await row.allTextContents()).join('')).toMatch(/email_marketing21on/);
    expect(problems).toEqual([]);
  });

  it('the Consents page counts it, and the auditor’s evidence export holds every event with its receipt', async () => {
    await page.goto(`${server.baseUrl}/consents`);
    const card = page.getByTestId('consent-purpose-email_marketing');
    await card.getByRole('img', { name: /1 given, 1 withdrawn/ }).waitFor();
    const evidence = page.waitForEvent('popup');
    await card.getByRole('link', { name: 'Evidence (printable)' }).click();
    const report = await evidence;
    await report.getByRole('heading', { name: /^Consent evidence/ }).waitFor();
    const text = (await report.textContent('body')) ?? '';
    for (const fragment of ['requested', 'widget', 'email_confirmation', 'withdrawn', 'unsubscribe_link', 'Receipt (JWS']) expect(text).toContain(fragment);
    expect(text).not.toContain(visitor.email);
    // A receipt from the export verifies.
    const jws = /[\w-]+\.[\w-]+\.[\w-]{40,}/.exec(text)?.[0] ?? '';
    const check = await fetch(`${server.baseUrl}/api/v1/public/receipts/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jws }) });
    expect(await check.json()).toMatchObject({ valid: true });
    expect(problems).toEqual([]);
  });
});
