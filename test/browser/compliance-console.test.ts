import { randomUUID } from 'node:crypto';
import { type Browser, type Page } from 'playwright-core';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './launch-chromium.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';

/**
 * The compliance console in Chromium: the owner runs the checks, reads the findings with their fix links, opens the
 * privacy dashboard (score chart, an open incident's 72-hour clock) and downloads the auditor pack.
 *
 * Runs with the other browser tests (`npm run test:browser`), against the built console.
 */
describe('compliance audits and the privacy dashboard in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    const db = server.t.db.kysely as unknown as import('kysely').Kysely<any>;
    const workspace = await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    const aware = new Date(Date.now() - 10 * 3_600_000).toISOString();
    await db
      .insertInto('incidents')
      .values({
        id: randomUUID(),
        workspace_id: workspace.id,
        reference: 'INC-2026-0001',
        version: 1,
        title: 'Night export',
        status: 'open',
        occurred_from: aware,
        occurred_to: null,
        aware_at: aware,
        alert_id: null,
        record: '{"authorityNotifiedAt":null}',
        created_at: aware,
        updated_at: aware,
        closed_at: null,
      })
      .execute();
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      baseURL: server.baseUrl,
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text()))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
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

  it('runs the checks and lists the findings with a link to fix each', async () => {
    await page.goto('/compliance');
    await page.getByRole('heading', { name: 'Compliance audits' }).waitFor();
    await page.getByTestId('compliance-run').click();
    await expect.poll(() => page.getByTestId('compliance-score').textContent()).toMatch(/^Score \d+$/);
    const findings = page.getByTestId('compliance-findings');
    await findings.waitFor();
    await expect.poll(() => findings.getByText('An open incident is past 72 hours').count()).toBe(0);
    await expect
      .poll(() => findings.getByText('No data protection officer contact is recorded').count())
      .toBe(1);
    expect(await findings.getByRole('link', { name: 'Fix' }).count()).toBeGreaterThan(0);
  });

  it('shows the privacy dashboard with the score chart and the incident clock', async () => {
    await page.goto('/dashboard/privacy');
    await page.getByRole('heading', { name: 'Privacy dashboard' }).waitFor();
    await page.getByRole('img', { name: /Compliance score over the last runs/ }).waitFor();
    const clock = page.getByTestId('dashboard-incidents').getByTestId('incident-clock');
    await expect.poll(() => clock.textContent()).toMatch(/^6[12] h \d+ min left$/);
    await page.getByTestId('dashboard-processing').getByRole('img').waitFor();
  });

  it('downloads the auditor pack from the button', async () => {
    await page.goto('/compliance');
    const download = page.waitForEvent('download');
    await page.getByTestId('auditor-pack-download').click();
    const file = await (await download).path();
    const fs = await import('node:fs');
    const names = Object.keys(unzipSync(new Uint8Array(fs.readFileSync(file))));
    expect(names).toContain('manifest.json');
    expect(names).toContain('breaches/breach-register.json');
    expect(problems).toEqual([]);
  });
});
