import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { authenticator } from 'otplib';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { resetTokenFromOutbox } from './outbox.ts';

const committedScreenshot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../docs/screenshots/console.png',
);
/**
 * The walk always takes the screenshot; it replaces the committed one only when asked
 * (`CUSTODIAN_UPDATE_SCREENSHOTS=1 npm run test:browser`) or when there is none, so test runs leave the tree clean.
 */
const screenshotFile =
  process.env.CUSTODIAN_UPDATE_SCREENSHOTS === '1' || !fs.existsSync(committedScreenshot)
    ? committedScreenshot
    : path.join(os.tmpdir(), 'custodian-console.png');

const owner = { email: ownerEmail, password: ownerPassword };
const newUser = {
  name: 'Grace Hopper',
  email: 'grace.hopper@example.test',
  password: 'cobol compiler 1959 nanosecond',
};
const gracesOwnPassword = 'harvard mark one relay moth';

/**
 * One walk through the console in a real browser against a real server (SQLite, development mode). The steps share
 * one page and build on each other, so they run in order.
 */
describe('web console in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requestedUrls: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1366, height: 860 },
      baseURL: server.baseUrl,
    });
    page = await context.newPage();
    // Generous: CI machines and shared hosts run other suites beside this one.
    page.setDefaultTimeout(30_000);
    // CSP violations and script errors surface as console errors; refused API calls (401/403/404) are expected.
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[134]/.test(message.text()))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => requestedUrls.push(request.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const pathname = () => new URL(page.url()).pathname;

  /** Signs in from the sign-in page; `code` answers the TOTP step; waits for `landing` (a heading). */
  async function signIn(
    account: { email: string; password: string },
    options: { code?: () => string; landing?: string | RegExp } = {},
  ) {
    await page.goto('/');
    await expect.poll(pathname).toBe('/sign-in');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel(/^Password/).fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    if (options.code) {
      await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
      await page.getByLabel('Authentication code').fill(options.code());
      await page.getByRole('button', { name: 'Verify' }).click();
    }
    await page.getByRole('heading', { name: options.landing ?? /^Welcome/ }).waitFor();
  }

  async function signOut() {
    await page.getByRole('button', { name: /^Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  }

  /** A section of the side navigation. */
  const navGroup = (name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('group', { name });
  const adminNav = () => navGroup('Administration');

  it('shows the problem title when the password is wrong', async () => {
    await page.goto('/');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.getAttribute('data-problem-code')).toBe('INVALID_CREDENTIALS');
    expect(await alert.textContent()).toContain('Email or password is wrong');
  });

  it('signs the owner in, offers a skip link first, and shows the administration pages', async () => {
    await signIn(owner);
    expect(pathname()).toBe('/');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => (globalThis as any).document.activeElement?.textContent);
    expect(first).toBe('Skip to main content');
    // Focused, the skip link is on screen (it hides above the viewport otherwise), and it leads into the page.
    const box = await page.getByRole('link', { name: 'Skip to main content' }).boundingBox();
    expect(box !== null && box.y >= 0 && box.height > 0).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('main');
    for (const label of ['Users', 'Roles', 'Audit log', 'Settings']) {
      await expect.poll(() => adminNav().getByRole('link', { name: label, exact: true }).count()).toBe(1);
    }
  });

  /** The 30-second TOTP step whose code confirmed the enrolment (the server refuses that step from then on). */
  let enrolmentStep = 0;
  let secret = '';
  let recoveryCodes: string[] = [];

  it('enrols MFA from the QR page and shows ten recovery codes once', async () => {
    await page.getByRole('link', { name: 'Turn on two-factor sign-in' }).click();
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    await expect
      .poll(() => qr.evaluate((img: { naturalWidth: number }) => img.naturalWidth))
      .toBeGreaterThan(0);
    secret = (await page.getByTestId('mfa-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    const confirmedAt = Date.now();
    enrolmentStep = Math.floor(confirmedAt / 30_000);
    await page
      .getByLabel('Six-digit code')
      .fill(authenticator.clone({ epoch: confirmedAt }).generate(secret));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    const codes = page.getByTestId('recovery-codes').getByRole('listitem');
    await expect.poll(() => codes.count()).toBe(10);
    recoveryCodes = (await codes.allTextContents()).map((c) => c.trim());
    await page.getByRole('link', { name: 'I saved them' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
  });

  it('signs out, then signs in again with the password and a TOTP code', async () => {
    await signOut();
    // The enrolment code may not be replayed: use the next 30-second step (inside the ±1 step window).
    await signIn(owner, {
      code: () =>
        authenticator.clone({ epoch: Math.max(Date.now(), (enrolmentStep + 1) * 30_000) }).generate(secret),
    });
    const mfaEnabled = await page.evaluate(async () => {
      const answer = (await (await fetch('/api/v1/auth/session')).json()) as {
        user?: { mfaEnabled: boolean };
      };
      return answer.user?.mfaEnabled;
    });
    expect(mfaEnabled).toBe(true);
  });

  it('creates an API token that is shown once, then revokes it', async () => {
    await navGroup('You').getByRole('link', { name: 'My account' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.getByRole('button', { name: 'New token' }).click();
    await page.getByRole('dialog', { name: 'New API token' }).getByLabel(/^Name/).fill('Website signup form');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('dialog', { name: 'Your new token' });
    const token = (await shown.getByTestId('new-token').textContent())?.trim() ?? '';
    expect(token.length).toBeGreaterThan(40);
    await shown.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(token).count()).toBe(0);
    await page.getByRole('button', { name: 'Revoke token Website signup form' }).click();
    await page.getByText('Revoked', { exact: true }).waitFor();
  });

  let createdUserId = '';

  it('creates a user from the users page', async () => {
    await adminNav().getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel(/^Name/).fill(newUser.name);
    await dialog.getByLabel(/^Email/).fill(newUser.email);
    await dialog.getByLabel(/^Role/).click();
    await page.getByRole('option', { name: 'Support' }).click();
    await dialog.getByLabel('Initial password').fill(newUser.password);
    const created = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/v1/users' && r.request().method() === 'POST',
    );
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const response = await created;
    expect(response.status()).toBe(201);
    createdUserId = ((await response.json()) as { id: string }).id;
    expect(createdUserId).toBeTruthy();
    await page.getByRole('table', { name: 'Users' }).getByRole('cell', { name: newUser.email }).waitFor();
  });

  it('finds the user.create entry for that user in the audit log, and saves a screenshot', async () => {
    await adminNav().getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Action').fill('user.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.locator(`tr[data-action="user.create"][data-resource-id="${createdUserId}"]`);
    await row.waitFor();
    // The filter applied: only user.create entries are listed (the owner's own creation at first start, and ours).
    const actions = await page
      .locator('tbody tr[data-action]')
      .evaluateAll((rows: { dataset: { action?: string } }[]) => rows.map((r) => r.dataset.action));
    expect(new Set(actions)).toEqual(new Set(['user.create']));
    expect(await row.getByRole('cell').nth(2).textContent()).toBe(ownerEmail);

    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.locator('tbody tr[data-action]').count()).toBeGreaterThan(5);
    await page.mouse.move(0, 0);
    // Let the notifications fade so the screenshot shows the page itself.
    await expect.poll(() => page.locator('.mantine-Notification-root').count(), { timeout: 10_000 }).toBe(0);
    fs.mkdirSync(path.dirname(screenshotFile), { recursive: true });
    await page.screenshot({ path: screenshotFile });
    expect(fs.statSync(screenshotFile).size).toBeGreaterThan(10_000);
  });

  it('lets the new user reset her password by the emailed link, and hides what her role may not use', async () => {
    await signOut();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel(/^Email/).fill(newUser.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('Check your email').waitFor();

    const token = await resetTokenFromOutbox(server.t.dataDir);
    await page.goto(`/reset-password?token=${encodeURIComponent(token)}`);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // The token leaves the address bar (and the history) as soon as it is read.
    await expect.poll(() => page.url()).toBe(`${server.baseUrl}/reset-password`);
    await page.getByLabel(/^New password/).fill(gracesOwnPassword);
    await page.getByLabel(/^Repeat the new password/).fill(gracesOwnPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed').waitFor();

    await signIn({ email: newUser.email, password: gracesOwnPassword });
    // Every signed-in user has their account, training and bulletins; nothing of administration.
    await expect.poll(() => navGroup('You').getByRole('link').allTextContents()).toEqual(['My account', 'My training', 'My bulletins']);
    expect(await adminNav().count()).toBe(0);
    await page.goto('/users');
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
  });

  it('ends another of my sessions from My account', async () => {
    const elsewhere = await browser.newContext({ baseURL: server.baseUrl });
    try {
      const signedIn = await elsewhere.request.post('/api/v1/auth/sign-in', {
        data: { email: newUser.email, password: gracesOwnPassword },
      });
      expect(signedIn.status()).toBe(200);
      const before = (await (await elsewhere.request.get('/api/v1/auth/session')).json()) as {
        authenticated: boolean;
      };
      expect(before.authenticated).toBe(true);

      await navGroup('You').getByRole('link', { name: 'My account' }).click();
      const end = page.getByRole('button', { name: /^End the session/ });
      await expect.poll(() => end.count()).toBe(1);
      await end.click();
      await expect.poll(() => end.count()).toBe(0);
      await page.getByText('This session').waitFor();

      const after = (await (await elsewhere.request.get('/api/v1/auth/session')).json()) as {
        authenticated: boolean;
      };
      expect(after.authenticated).toBe(false);
    } finally {
      await elsewhere.close();
    }
  });

  it('requires MFA for a role from the roles page, which sends its users to enrolment', async () => {
    await signOut();
    // TOTP codes were used for this account already; a recovery code signs in once.
    await signIn(owner, { code: () => recoveryCodes[0] ?? '' });
    await adminNav().getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('button', { name: 'Edit role Support' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit role Support' });
    await dialog.getByRole('switch', { name: 'Require two-factor authentication' }).check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const supportRow = page
      .getByRole('table', { name: 'Roles' })
      .getByRole('row')
      .filter({ hasText: 'Support' });
    await supportRow.getByText('Required').waitFor();

    await signOut();
    await signIn(
      { email: newUser.email, password: gracesOwnPassword },
      { landing: 'Two-factor authentication' },
    );
    expect(pathname()).toBe('/account/mfa');
    await page.getByText('Your role requires two-factor authentication').waitFor();
    await page.goto('/users');
    await expect.poll(pathname).toBe('/account/mfa');
  });

  it('kept personal data out of every URL and raised no script or CSP error', () => {
    const leaking = requestedUrls.filter((url) => {
      const decoded = decodeURIComponent(url).toLowerCase();
      return [ownerEmail, newUser.email, newUser.name.toLowerCase()].some((value) => decoded.includes(value));
    });
    expect(leaking).toEqual([]);
    expect(problems).toEqual([]);
  });
});
