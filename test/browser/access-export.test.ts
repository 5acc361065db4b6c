import fs from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { launchChromium } from './launch-chromium.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

/**
 * The access export from a person's page in a real browser against a real server: download the zip, read the person's
 * decrypted values in its JSON and the French summary, and see the warning for a record naming someone else.
 */
describe('access export in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1600, height: 1000 },
      baseURL: server.baseUrl,
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('downloads the zip of a person from their page and warns about records naming others', async () => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    const session = await page.request.get('/api/v1/auth/session');
    const { csrfToken } = (await session.json()) as { csrfToken: string };
    const headers = { 'x-csrf-token': csrfToken };
    const create = async (data: object) => {
      const res = await page.request.post('/api/v1/people', { headers, data });
      expect(res.status()).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const grace = await create({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.test' });
    const other = await create({ firstName: 'Howard', lastName: 'Aiken' });
    const activity = await page.request.post('/api/v1/activities', {
      headers,
      data: {
        type: 'meeting',
        subject: 'Mark I review',
        occurredAt: '2026-03-01T10:00:00Z',
        links: [
          { entity: 'person', id: grace },
          { entity: 'person', id: other },
        ],
      },
    });
    expect(activity.status()).toBe(201);

    await page.goto(`/people/${grace}`);
    const panel = page.getByTestId('panel-access-export');
    await panel
      .getByRole('textbox', { name: 'Language of the summary' })
      .or(panel.getByRole('combobox', { name: 'Language of the summary' }))
      .click();
    await page.getByRole('option', { name: 'Français' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Access export' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('access-export.zip');
    const files = unzipSync(new Uint8Array(fs.readFileSync((await download.path()) as string)));
    const doc = JSON.parse(strFromU8(files['access-export.json']!)) as {
      sections: Record<string, { items: Record<string, unknown>[] }>;
    };
    expect(doc.sections.person!.items[0]).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@example.test',
    });
    expect(doc.sections.activities!.items[0]).toMatchObject({
      subject: 'Mark I review',
      otherPeopleLinked: 1,
    });
    expect(JSON.stringify(doc)).not.toContain('Aiken');
    expect(strFromU8(files['summary.html']!)).toContain('Vos coordonnées');
    await expect
      .poll(() => panel.getByRole('alert').textContent())
      .toContain('1 record(s) also concern other people');
    expect(problems).toEqual([]);
  });
});
