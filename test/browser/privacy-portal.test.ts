import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import type { AppServices } from '../../src/http/app-services.ts';
import { webDistDir } from '../../src/http/web-console.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { useSmtpPeer, type ReceivedMail } from '../identity/smtp-peer.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { launchChromium } from './launch-chromium.ts';

const personEmail = 'portal.person@example.test';

/**
 * The privacy portal end to end in Chromium: a person we hold submits an access request on the portal page, verifies
 * with the code from the email caught by a real SMTP peer, staff build the export in the console's request detail
 * (which completes the request), the person is emailed and downloads the export from the status page.
 */
describe('privacy portal in Chromium', () => {
  const env: Record<string, string> = {};
  const mail = useSmtpPeer(env);
  let t: TestDatabase;
  let app: App;
  let services: AppServices;
  let workspaceId: string;
  let baseUrl: string;
  let browser: Browser;
  let person: BrowserContext;
  let staff: BrowserContext;
  const problems: string[] = [];

  const mailsTo = (address: string) => mail.messages.filter((m) => m.to.includes(address));
  async function waitForMail(address: string, count: number): Promise<ReceivedMail> {
    await expect.poll(() => mailsTo(address).length).toBeGreaterThanOrEqual(count);
    return mailsTo(address)[count - 1]!;
  }
  /** The path of a portal link in a message, on this server (the configured public URL is not this test's port). */
  function portalPath(message: ReceivedMail, kind: 'status' | 'download'): string {
    const match = message.text.match(new RegExp(`(/privacy/[A-Za-z0-9_-]+/${kind}/[A-Za-z0-9_.-]+)`));
    if (!match?.[1]) throw new Error(`no ${kind} link in the message`);
    return match[1];
  }

  beforeAll(async () => {
    if (!fs.existsSync(path.join(webDistDir, 'index.html')))
      throw new Error('web/dist is missing: build the console first');
    t = await createTestDatabase('sqlite');
    const config = loadConfig({
      CUSTODIAN_MODE: 'development',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_ADMIN_EMAIL: ownerEmail,
      CUSTODIAN_ADMIN_PASSWORD: ownerPassword,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...env,
    });
    workspaceId = (await ensureFirstStart({ config, db: t.db, clock: systemClock })).workspaceId;
    services = await createAppServices({ config, db: t.db, clock: systemClock });
    app = await buildApp({ config, db: t.db, clock: systemClock, logger: false, ...services });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('server did not bind a TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;
    const owner = {
      workspaceId,
      actor: { type: 'system' as const, id: 'test-setup' },
      purpose: 'crm',
      role: { purposes: ['*'], dataCategories: ['*'] },
    };
    await services.people.create(owner, { firstName: 'Portal', lastName: 'Person', email: personEmail });
    browser = await launchChromium();
    person = await browser.newContext({ baseURL: baseUrl, acceptDownloads: true, javaScriptEnabled: false });
    staff = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1600, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.destroy();
  });

  it('submits an access request without JavaScript and verifies it with the emailed code', async () => {
    const page = await person.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`/privacy/${workspaceId}`);
    await page.getByRole('heading', { name: 'Your privacy rights at My organisation' }).waitFor();
    await page.getByRole('radio', { name: /\(access\)$/ }).check();
    await page.getByRole('textbox', { name: 'Your email address' }).fill(personEmail);
    await page.getByRole('button', { name: 'Send my request' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    expect(await page.content()).not.toContain(personEmail);

    const message = await waitForMail(personEmail, 1);
    const code = message.text.match(/Your code: (\d{6})/)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await page.getByRole('textbox', { name: '6-digit code' }).fill(code!);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Thank you: your request is confirmed' }).waitFor();
    await page.getByRole('link', { name: 'Follow my request' }).click();
    await page.getByRole('heading', { name: 'Your request' }).waitFor();
    expect(await page.locator('dl').textContent()).toContain('Identity confirmed, waiting to be handled');
    // The status link was emailed as well.
    portalPath(await waitForMail(personEmail, 2), 'status');
    await page.close();
  });

  it('staff build the export in the console, which completes the request', async () => {
    const page = await staff.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Requests', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Requests', exact: true }).waitFor();
    await expect.poll(() => page.getByTestId('request-row').count()).toBe(1);
    await page.getByTestId('request-row').getByRole('link').click();
    await page.getByRole('heading', { name: /^Request R-/ }).waitFor();
    await expect.poll(() => page.getByTestId('request-status').textContent()).toBe('Verified');
    await page.getByTestId('fulfilment-export').getByRole('button', { name: 'Build export' }).click();
    await expect.poll(() => page.getByTestId('request-status').textContent()).toBe('Completed');
    // The portal's page in the console: the address to publish and its activity, as counts.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Privacy portal', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Privacy portal', exact: true }).waitFor();
    expect(await page.getByTestId('portal-url').textContent()).toContain(`/privacy/${workspaceId}`);
    const submitted = page.getByTestId('portal-activity').getByRole('row', { name: /^Requests submitted/ });
    await expect.poll(() => submitted.getByRole('cell').first().textContent()).toBe('1');
    expect(await page.getByTestId('portal-activity').textContent()).not.toContain(personEmail);
    await page.close();
  });

  it('emails the person, who downloads the export from the status page', async () => {
    // The server's `portal.outbox` job sends this every 15 s; the test server runs no scheduler, so drain it here.
    expect(await services.privacyPortal.drainOutbox()).toBe(1);
    const completed = await waitForMail(personEmail, 3);
    expect(completed.text).toContain('We have completed your request');
    portalPath(completed, 'download');
    const page = await person.newPage();
    await page.goto(portalPath(completed, 'status'));
    await page.getByRole('heading', { name: 'Your request' }).waitFor();
    expect(await page.locator('dl').textContent()).toContain('Completed');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    const file = await download.path();
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const downloaded = await t.db.kysely
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'portal.result_downloaded')
      .execute();
    expect(downloaded).toHaveLength(1);
    expect(problems).toEqual([]);
  });
});
