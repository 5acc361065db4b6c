import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { webDistDir } from '../../src/http/web-console.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { launchChromium } from './launch-chromium.ts';

const phone = '+447700900123';

/**
 * Phone verification end to end in Chromium: the owner enters the SMS gateway (a real HTTP receiver on loopback) in
 * the console's Email settings page, then a person chooses "text me a code" on the portal (no JavaScript), gets the
 * code by text and confirms the request.
 */
describe('privacy portal by text message in Chromium', () => {
  let t: TestDatabase;
  let app: App;
  let workspaceId: string;
  let browser: Browser;
  let person: BrowserContext;
  let staff: BrowserContext;
  let gateway: http.Server;
  let gatewayUrl = '';
  const texts: { authorization: string | undefined; to: string; body: string }[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(webDistDir, 'index.html')))
      throw new Error('web/dist is missing: build the console first');
    gateway = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { to: string; body: string };
        texts.push({ authorization: req.headers.authorization, to: parsed.to, body: parsed.body });
        res.statusCode = 202;
        res.end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
    t = await createTestDatabase('sqlite');
    const config = loadConfig({
      CUSTODIAN_MODE: 'development',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_ADMIN_EMAIL: ownerEmail,
      CUSTODIAN_ADMIN_PASSWORD: ownerPassword,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
    });
    workspaceId = (await ensureFirstStart({ config, db: t.db, clock: systemClock })).workspaceId;
    const services = await createAppServices({ config, db: t.db, clock: systemClock });
    app = await buildApp({ config, db: t.db, clock: systemClock, logger: false, ...services });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('server did not bind a TCP port');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await launchChromium();
    person = await browser.newContext({ baseURL: baseUrl, javaScriptEnabled: false });
    staff = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1600, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    gateway?.closeAllConnections();
    await new Promise((resolve) => gateway?.close(resolve));
    await t?.destroy();
  });

  it('the owner enters the SMS gateway in the console and sends a test text', async () => {
    const page = await staff.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await page.goto('/email-settings');
    await page.getByRole('heading', { name: 'SMS', exact: true }).waitFor();
    await page.getByLabel(/^Gateway URL/).fill(gatewayUrl);
    await page.getByLabel(/^Sender/).fill('Custodian');
    await page.getByLabel(/^Token/).fill('tok_browser_1');
    await page.getByRole('button', { name: 'Save SMS settings' }).click();
    await page.getByText('A token is stored; it is never shown.').waitFor();
    await page.getByLabel(/^To( \*)?$/).last().fill('+44 7700 900999');
    await page.getByRole('button', { name: 'Send test message' }).click();
    await expect.poll(() => texts.length).toBe(1);
    expect(texts[0]).toMatchObject({ authorization: 'Bearer tok_browser_1', to: '+447700900999' });
    await page.close();
  });

  it('a person chooses "text me a code" without JavaScript, and the texted code confirms the request', async () => {
    const page = await person.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`/privacy/${workspaceId}`);
    await page.getByRole('heading', { name: 'Your privacy rights at My organisation' }).waitFor();
    await page.getByRole('radio', { name: /\(access\)$/ }).check();
    await page.getByRole('textbox', { name: /^Or your mobile number/ }).fill('+44 7700 900123');
    await page.getByRole('radio', { name: 'Text me a code' }).check();
    await page.getByRole('button', { name: 'Send my request' }).click();
    await page.getByRole('heading', { name: 'Check your phone' }).waitFor();
    expect(await page.content()).not.toContain('900123');
    await expect.poll(() => texts.filter((x) => x.to === phone).length).toBe(1);
    const code = texts.find((x) => x.to === phone)!.body.match(/: (\d{6}) \(/)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await page.getByRole('textbox', { name: '6-digit code' }).fill(code!);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Thank you: your request is confirmed' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Keep this link');
    await page.getByRole('link', { name: 'Follow my request' }).click();
    await page.getByRole('heading', { name: 'Your request' }).waitFor();
    expect(await page.locator('dl').textContent()).toContain('Identity confirmed, waiting to be handled');
    expect(problems).toEqual([]);
    await page.close();
  });
});
