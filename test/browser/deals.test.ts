import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

/**
 * The deals board in a real browser against a real server: create a deal, drag it to another stage, and find it
 * there after a reload; then move it from the keyboard.
 */
describe('deals board in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, baseURL: server.baseUrl });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const column = (stage: string) => page.getByRole('region', { name: `Stage ${stage}` });
  const card = (title: string) => page.locator('[data-deal-id]', { hasText: title });

  it('creates a deal from the board; it appears in the first stage', async () => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deals', exact: true }).click();
    await page.getByRole('heading', { name: 'Deals', exact: true }).waitFor();
    await column('Lead').waitFor();
    await page.getByRole('button', { name: 'New deal' }).click();
    const dialog = page.getByRole('dialog', { name: 'New deal' });
    await dialog.getByLabel('Title').fill('Harbour cranes');
    await dialog.getByLabel('Amount').fill('125000');
    await dialog.getByRole('button', { name: 'Create deal' }).click();
    await expect.poll(() => column('Lead').locator('[data-deal-id]', { hasText: 'Harbour cranes' }).count()).toBe(1);
  });

  it('drags the deal to Proposal, and the stage persists after a reload', async () => {
    // The create refetches the board: drag only once it has settled (a card re-rendered mid-drag drops nothing).
    await page.waitForLoadState('networkidle');
    await card('Harbour cranes').dragTo(column('Proposal'));
    await expect.poll(() => column('Proposal').locator('[data-deal-id]', { hasText: 'Harbour cranes' }).count()).toBe(1);
    await page.reload();
    await column('Proposal').waitFor();
    await expect.poll(() => column('Proposal').locator('[data-deal-id]', { hasText: 'Harbour cranes' }).count()).toBe(1);
    expect(await column('Lead').locator('[data-deal-id]', { hasText: 'Harbour cranes' }).count()).toBe(0);
    const deals = await server.t.db.kysely.selectFrom('deals').innerJoin('pipeline_stages', 'pipeline_stages.id', 'deals.stage_id').select(['deals.title', 'pipeline_stages.name']).execute();
    expect(deals).toEqual([{ title: 'Harbour cranes', name: 'Proposal' }]);
  });

  it('moves the focused card one stage to the right with the arrow key', async () => {
    await card('Harbour cranes').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => column('Negotiation').locator('[data-deal-id]', { hasText: 'Harbour cranes' }).count()).toBe(1);
    const history = await server.t.db.kysely.selectFrom('deal_stage_history').select(['from_stage_name', 'to_stage_name']).orderBy('id').execute();
    expect(history.map((h) => `${h.from_stage_name}->${h.to_stage_name}`)).toEqual(['null->Lead', 'Lead->Proposal', 'Proposal->Negotiation']);
    expect(problems).toEqual([]);
  });
});
