import fs from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTokenForRole } from '../support/owner-token.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

const csv = ['Prénom,Nom,E-mail', 'Ada,Lovelace,ada.import@example.test', 'Bad,Row,not-an-email-value', 'Grace,Hopper,grace.import@example.test'].join('\n');

/** The import wizard in a real browser: upload, mapping, settings, progress, summary and the report download. */
describe('people import wizard in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: server.baseUrl, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('imports a small CSV with one bad row, shows the counts and downloads the report without values', async () => {
    await page.goto('/');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('group', { name: 'CRM' }).getByRole('link', { name: 'Import people' }).click();
    await page.getByRole('heading', { name: 'Import people' }).waitFor();

    await page.locator('input[type="file"]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Next: columns' }).click();
    // Columns were recognised by their headers.
    await expect.poll(() => page.locator('input[aria-label="Field for E-mail"]').inputValue()).toBe('Email');
    await expect.poll(() => page.locator('input[aria-label="Field for Prénom"]').inputValue()).toBe('First name');
    await page.getByRole('button', { name: 'Next: settings' }).click();
    await page.getByRole('button', { name: 'Import', exact: true }).click();

    await expect.poll(() => page.getByTestId('count-created').textContent()).toBe('2');
    expect(await page.getByTestId('count-rejected').textContent()).toBe('1');
    expect(await page.getByText('3 of 3 rows').isVisible()).toBe(true);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the report/ }).click()]);
    const report = fs.readFileSync((await download.path())!, 'utf8');
    expect(report.trim().split('\n')).toEqual(['row,column,reason', '2,E-mail,is not a valid email address']);
    expect(report).not.toContain('not-an-email-value');
    expect(problems).toEqual([]);
  });

  it('lists the imported person and a second record with the same email as possible duplicates, and merges them', async () => {
    const workspace = await server.t.db.kysely.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    const { token } = await insertTokenForRole(server.t.db.kysely, workspace.id, 'owner');
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: { authorization: `Bearer ${token}`, 'custodian-purpose': 'crm' },
      payload: { firstName: 'Ada', jobTitle: 'Countess', email: 'ADA.import@example.test' },
    });
    expect(created.statusCode, created.body).toBe(201);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('group', { name: 'CRM' }).getByRole('link', { name: 'Possible duplicates' }).click();
    await page.getByRole('heading', { name: 'Possible duplicates' }).waitFor();
    await page.getByText('same email', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Compare and merge' }).click();
    const dialog = page.getByRole('dialog', { name: 'Compare and merge' });
    await dialog.getByRole('cell', { name: 'Countess' }).waitFor();
    await dialog.getByRole('button', { name: 'Merge into the kept person' }).click();
    await page.getByText('No possible duplicates.').waitFor();
    const people = await server.t.db.kysely.selectFrom('persons').select('id').where('first_name', 'is not', null).execute();
    expect(people).toHaveLength(2);
    expect(problems).toEqual([]);
  });
});
