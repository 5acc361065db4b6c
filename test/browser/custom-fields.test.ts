import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

/**
 * Custom fields in a real browser against a real server: define a person field with its classification, set it on a
 * person from the person's page, and see it there after a reload (stored encrypted, never in clear).
 */
describe('custom fields in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let personId = '';
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, baseURL: server.baseUrl });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('refuses a person field without a purpose covering its category, then defines it classified', async () => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Custom fields', exact: true }).click();
    await page.getByRole('heading', { name: 'Custom fields', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New field' }).click();
    const dialog = page.getByRole('dialog', { name: 'New custom field' });
    await dialog.getByRole('textbox', { name: /^Label/ }).fill('Loyalty tier');
    await dialog.getByRole('combobox', { name: /^Data category/ }).fill('user.demographic.language');
    await page.getByRole('option', { name: 'user.demographic.language', exact: true }).click();
    await dialog.getByRole('combobox', { name: /^Purposes served/ }).click();
    await page.getByRole('option', { name: /\(crm\)$/ }).click();
    await dialog.getByRole('button', { name: 'Create field' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('purpose crm does not cover the data category');

    await dialog.getByRole('combobox', { name: /^Data category/ }).fill('user.professional_information');
    await page.getByRole('option', { name: 'user.professional_information', exact: true }).click();
    await dialog.getByRole('button', { name: 'Create field' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const table = page.getByRole('table', { name: 'Custom fields of people' });
    await expect.poll(() => table.textContent()).toContain('Loyalty tier');
    expect(await table.textContent()).toContain('user.professional_information');
  });

  it('sets the field on a person from the person’s page and shows it after a reload', async () => {
    const session = await page.request.get('/api/v1/auth/session');
    const { csrfToken } = (await session.json()) as { csrfToken: string };
    const created = await page.request.post('/api/v1/people', { headers: { 'x-csrf-token': csrfToken }, data: { firstName: 'Hedy', lastName: 'Lamarr' } });
    expect(created.status()).toBe(201);
    personId = ((await created.json()) as { id: string }).id;

    await page.goto(`/people/${personId}`);
    const panel = page.getByTestId('panel-custom-fields');
    await panel.getByRole('button', { name: 'Edit custom fields' }).click();
    await panel.getByLabel('Loyalty tier').fill('Platinum frequent flyer');
    await panel.getByRole('button', { name: 'Save custom fields' }).click();
    await expect.poll(() => panel.getByRole('table', { name: 'Custom fields' }).textContent()).toContain('Platinum frequent flyer');
    await page.reload();
    await expect.poll(() => page.getByTestId('panel-custom-fields').getByRole('table', { name: 'Custom fields' }).textContent()).toContain('Platinum frequent flyer');

    const rows = await server.t.db.kysely.selectFrom('custom_field_values').selectAll().where('record_id', '=', personId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.value_plain).toBeNull();
    expect(Buffer.from(rows[0]!.value_cipher!).includes(Buffer.from('Platinum'))).toBe(false);
    expect(problems).toEqual([]);
  });
  it('exports the people list as CSV from the list page, with the custom value', async () => {
    await page.goto('/people');
    await page.getByRole('heading', { name: 'People', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Export this list' });
    const download = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Download' }).click();
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(file, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('custom.loyalty_tier');
    expect(csv).toContain('Hedy');
    expect(csv).toContain('Platinum frequent flyer');
    expect(problems).toEqual([]);
  });
});
