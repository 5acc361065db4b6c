import { randomUUID } from 'node:crypto';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './launch-chromium.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';

const hour = 3_600_000;

/**
 * The privacy dashboard's 72-hour clocks in a browser whose clock is five hours fast: they still count from the
 * server's time. And the incident register pages past its first 50 incidents with "Load more".
 */
describe('incident clocks and the register in Chromium with a wrong clock', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startConsoleServer();
    const db = server.t.db.kysely as unknown as import('kysely').Kysely<any>;
    const workspace = await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    // 55 open incidents, one page and a bit; the newest became known 10 hours ago.
    const rows = Array.from({ length: 55 }, (_, n) => {
      const aware = new Date(Date.now() - (10 + n) * hour).toISOString();
      return {
        id: randomUUID(),
        workspace_id: workspace.id,
        reference: `INC-2026-${String(n + 1).padStart(4, '0')}`,
        version: 1,
        title: `Incident ${n + 1}`,
        status: 'open',
        occurred_from: aware,
        occurred_to: null,
        aware_at: aware,
        alert_id: null,
        record: '{"authorityNotifiedAt":null}',
        created_at: aware,
        updated_at: aware,
        closed_at: null,
      };
    });
    await db.insertInto('incidents').values(rows).execute();
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      baseURL: server.baseUrl,
    });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    // The browser's clock runs five hours ahead of the server's from here on.
    await page.clock.setSystemTime(new Date(Date.now() + 5 * hour));
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the 72-hour clock by the server’s time on the dashboard', async () => {
    await page.goto('/dashboard/privacy');
    await page.getByRole('heading', { name: 'Privacy dashboard' }).waitFor();
    // The page does see the wrong clock (else this test would prove nothing).
    const skew = (await page.evaluate(() => Date.now())) - Date.now();
    expect(skew).toBeGreaterThan(4.9 * hour);
    // The dashboard lists the most urgent first: the oldest, known 64 hours ago, has 8 hours left (3 by the browser).
    const clock = page.getByTestId('dashboard-incidents').getByTestId('incident-clock').first();
    await expect.poll(() => clock.textContent()).toMatch(/^[78] h \d+ min left$/);
  });

  it('loads the register a page at a time', async () => {
    await page.goto('/incidents');
    const table = page.getByRole('table', { name: 'Incidents' });
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(55);
    await expect.poll(() => page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });
});
