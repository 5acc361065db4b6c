import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

/**
 * Privacy notices and consent analytics in a real browser: a DPO generates a notice draft from the purpose register,
 * edits and publishes it, opens its public page, records a consent through the API and sees it on the Consents page.
 */
describe('notices and consents console pages in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: server.baseUrl });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const nav = (label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('group', { name: 'Privacy' }).getByRole('link', { name: label, exact: true });

  it('generates, edits and publishes a notice, whose public page shows the text', async () => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await nav('Privacy notices').click();
    await page.getByRole('heading', { name: 'Privacy notices' }).waitFor();
    await page.getByPlaceholder('Choose a purpose').click();
    await page.getByRole('option', { name: 'Email marketing' }).click();
    await page.getByRole('button', { name: 'New draft from the register' }).click();
    const dialog = page.getByRole('dialog');
    const text = dialog.getByLabel(/Text \(Markdown\)/);
    await expect.poll(() => text.inputValue()).toContain('Legal basis');
    await text.fill(`${await text.inputValue()}\n\nWe send at most two emails a month.`);
    await dialog.getByRole('button', { name: 'Publish' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('table', { name: 'Notice versions' }).getByRole('row', { name: /email_marketing/ });
    await row.getByText('published').waitFor();
    const href = await row.getByRole('link', { name: 'Public page' }).getAttribute('href');
    const publicPage = await page.context().request.get(`${server.baseUrl}${href}`);
    expect(publicPage.status()).toBe(200);
    expect(await publicPage.text()).toContain('We send at most two emails a month.');
  });

  it('shows a recorded consent on the Consents page with its rate', async () => {
    const db = server.t.db.kysely;
    const workspace = await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    const version = await db.selectFrom('notice_versions').select('id').where('status', '=', 'published').executeTakeFirstOrThrow();
    const ctx = { workspaceId: workspace.id, actor: { type: 'system' as const, id: 'browser-test' } };
    const kernelCtx = { ...ctx, purpose: 'crm', role: { purposes: ['*'], dataCategories: ['*'] } };
    const person = await server.services.people.create(kernelCtx as never, { email: 'ida@example.test' });
    await server.services.consent.record(db, ctx, { personId: person.id, purpose: 'email_marketing', state: 'given', method: 'api', noticeVersionId: version.id });
    await nav('Consents').click();
    const card = page.getByTestId('consent-purpose-email_marketing');
    await card.waitFor();
    await card.getByText(/Consent rate now: 100%/).waitFor();
    await card.getByRole('img', { name: /1 given/ }).waitFor();
    expect(problems).toEqual([]);
  });
});
