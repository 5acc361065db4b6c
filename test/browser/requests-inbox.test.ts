import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

/**
 * The request inbox in a real browser: log a phone request with the identity check, find it in the inbox with its SLA
 * badge and days left, open it, assign it, move it on, extend its deadline with a reason and add a note; the home page
 * shows the "Requests due" widget.
 */
describe('request inbox in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1600, height: 900 },
      baseURL: server.baseUrl,
    });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('logs a phone request and shows it in the inbox with its deadline', async () => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await page
      .getByTestId('home-widget-requests-due')
      .getByText('No request due in the next 7 days.')
      .waitFor();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Requests', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Requests', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Log a request' }).click();
    const dialog = page.getByRole('dialog', { name: 'Log a request' });
    await dialog.getByLabel(/^Requester's email/).fill('caller@example.test');
    await dialog.getByLabel(/^How identity was checked/).click();
    await page.getByRole('option', { name: 'Called back on the number on file (staff)' }).click();
    await dialog.getByRole('button', { name: 'Log request' }).click();
    await page.getByRole('heading', { name: /^Request R-/ }).waitFor();
    await expect.poll(() => page.getByTestId('request-status').textContent()).toBe('Verified');
    expect(await page.getByTestId('request-sla').first().textContent()).toBe('On track');
    expect(await page.getByTestId('request-days-left').textContent()).toMatch(/^(2[89]|3[01]) days left$/);
    await page.getByRole('link', { name: 'Requests', exact: true }).first().click();
    await expect.poll(() => page.getByTestId('request-row').count()).toBe(1);
    expect(await page.getByTestId('request-row').textContent()).toContain('Access (Art. 15)');
  });

  it('assigns, moves on, extends with a reason and keeps a note on the timeline', async () => {
    await page.getByTestId('request-row').getByRole('link').click();
    await page.getByRole('heading', { name: /^Request R-/ }).waitFor();
    await page.getByRole('combobox', { name: 'Assignee' }).click();
    await page.getByRole('option', { name: /\(you\)$/ }).click();
    await expect
      .poll(() => page.getByTestId('request-timeline').textContent())
      .toMatch(/Assigned to [^\n]*\(you\)/);

    await page.getByRole('button', { name: 'Mark in progress' }).click();
    await page
      .getByRole('dialog', { name: 'Mark in progress' })
      .getByRole('button', { name: 'Confirm' })
      .click();
    await expect.poll(() => page.getByTestId('request-status').textContent()).toBe('In progress');

    await page.getByRole('button', { name: 'Extend deadline' }).click();
    const extend = page.getByRole('dialog', { name: 'Extend the deadline' });
    await extend
      .getByRole('textbox', { name: /^Reason the person is told/ })
      .fill('Records are spread over three systems');
    await extend.getByRole('button', { name: 'Extend' }).click();
    await expect.poll(() => page.getByTestId('request-status').textContent()).toBe('Extended');
    expect(await page.getByTestId('request-header').textContent()).toContain(
      'Records are spread over three systems',
    );

    await page.getByLabel('Add a note').fill('Asked IT for the ticket history');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect
      .poll(() => page.getByTestId('request-timeline').textContent())
      .toContain('Asked IT for the ticket history');

    const stored = await server.t.db.kysely
      .selectFrom('requests')
      .select(['status', 'assignee_id', 'extension_reason'])
      .execute();
    expect(stored).toEqual([
      expect.objectContaining({
        status: 'extended',
        extension_reason: 'Records are spread over three systems',
      }),
    ]);
    expect(stored[0]?.assignee_id).not.toBeNull();
    expect(problems).toEqual([]);
  });
});
