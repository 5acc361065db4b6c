import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

/**
 * People as CRM contacts in a real browser against a real server: create a contact with two emails, see every value
 * and its provenance, edit it with a reason (If-Match), see the change; a stale edit says so. The steps share one
 * page and build on each other, so they run in order.
 */
describe('people as contacts in the console, in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requestedUrls: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: server.baseUrl });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => requestedUrls.push(request.url()));
  });

  afterEach(async (context) => {
    if (process.env.PEOPLE_DEBUG && context.task.result?.state === 'fail') await page.screenshot({ path: `/tmp/people-fail-${context.task.name.slice(0, 20).replace(/\W/g, '_')}.png` });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const details = () => page.getByTestId('contact-details');

  it('creates a contact with two emails, a phone in E.164, tags, a stage and where the data came from', async () => {
    await page.goto('/');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People', exact: true }).click();
    await page.getByRole('heading', { name: 'People', exact: true, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New person' }).click();
    const dialog = page.getByRole('dialog', { name: 'New person' });
    await dialog.getByLabel('First name').fill('Grace');
    await dialog.getByLabel('Last name').fill('Hopper');
    await dialog.getByLabel('Email', { exact: true }).fill('grace@navy.example');
    await dialog.getByRole('button', { name: 'Add an email' }).click();
    await dialog.getByLabel('Email 2', { exact: true }).fill('grace.hopper@home.example');
    await dialog.getByLabel('Phone', { exact: true }).fill('+1 202 555 0143');
    await dialog.getByLabel('Job title').fill('Rear admiral');
    await dialog.getByLabel('Lifecycle stage').click();
    await page.getByRole('option', { name: 'Prospect' }).click();
    await dialog.getByLabel('Tags').fill('cobol');
    await dialog.getByLabel('Tags').press('Enter');
    await dialog.getByLabel('Source', { exact: true }).click();
    await page.getByRole('option', { name: 'Event' }).click();
    await dialog.getByLabel('Source detail').fill('Met at the compiler conference');
    await dialog.getByRole('button', { name: 'Add person' }).click();

    await page.getByTestId('person-name').getByText('Grace Hopper').waitFor();
    await expect.poll(() => details().textContent()).toContain('grace.hopper@home.example');
    const text = (await details().textContent()) ?? '';
    expect(text).toContain('grace@navy.example');
    expect(text).toContain('+12025550143');
    expect(text).toContain('Rear admiral');
    expect(text).toContain('Prospect');
    expect(text).toContain('cobol');
    expect(await page.getByTestId('provenance').textContent()).toContain('Met at the compiler conference');
  });

  it('edits the contact with If-Match and a reason, and shows the change', async () => {
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit person' });
    await dialog.getByLabel('Job title').fill('Computer scientist');
    await dialog.getByLabel('Reason for the change').fill('Person asked by phone');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => details().textContent()).toContain('Computer scientist');
    expect(await page.getByText(/version 2/).count()).toBeGreaterThan(0);
  });

  it('says the person changed since it was read when another edit came first', async () => {
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit person' });
    // Someone else changes the person meanwhile (same session, straight through the API).
    const id = new URL(page.url()).pathname.split('/')[2] ?? '';
    const session = (await (await page.request.get('/api/v1/auth/session')).json()) as { csrfToken: string };
    const other = await page.request.patch(`/api/v1/people/${id}`, {
      headers: { 'if-match': '"2"', 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
      data: { notes: 'Changed elsewhere' },
    });
    expect(other.status()).toBe(200);
    await dialog.getByLabel('Job title').fill('Professor');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByTestId('stale-person').waitFor();
    expect(await dialog.getByTestId('stale-person').textContent()).toContain('Changed since you read it');
    await dialog.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => details().textContent()).toContain('Changed elsewhere');
    expect(await details().textContent()).toContain('Computer scientist');
  });

  it('finds the contact by the beginning of a name, with the query never in a URL', async () => {
    await page.getByRole('link', { name: '← All people' }).click();
    await page.getByLabel('Search by name').fill('hopp');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('table', { name: 'People' }).getByRole('link', { name: 'Grace Hopper' }).waitFor();
    expect(requestedUrls.filter((u) => /hopp|grace/i.test(u))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('detects a duplicate on create (same email through the blind index) and creates only when told to', async () => {
    await page.getByRole('button', { name: 'New person' }).click();
    const dialog = page.getByRole('dialog', { name: 'New person' });
    await dialog.getByLabel('First name').fill('G.');
    await dialog.getByLabel('Email', { exact: true }).fill('GRACE@navy.example');
    await dialog.getByRole('button', { name: 'Add person' }).click();
    const warning = dialog.getByRole('status').filter({ hasText: 'This person may already be here' });
    await warning.getByText('(same email)').waitFor();
    await expect.poll(() => page.url()).toContain('/people');
    await warning.getByRole('button', { name: 'Create anyway' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/people\/[0-9a-f-]{36}$/);
    expect(problems).toEqual([]);
  });
});
