import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './launch-chromium.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

/**
 * The fulfilment panel of a request in a real browser: a rectification request logged by staff shows the proposed
 * value next to the one held, and approving it with a reason writes it and completes the request; an erasure request
 * shows its preview, erases after confirmation and links the certificate.
 */
describe('request fulfilment panel in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let requestId = '';
  let personId = '';
  let workspaceId = '';
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startConsoleServer();
    const db = server.t.db.kysely;
    workspaceId = (await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const ctx = {
      workspaceId,
      actor: { type: 'system' as const, id: 'test-setup' },
      purpose: 'crm',
      role: { purposes: ['*'], dataCategories: ['*'] },
    };
    personId = (
      await server.services.people.create(ctx, {
        firstName: 'Grace',
        lastName: 'Hoper',
        email: 'grace.hopper@example.test',
      })
    ).id;
    const logged = await db.transaction().execute((trx) =>
      server.services.requests.logFromStaff(trx, ctx, {
        type: 'rectification',
        channel: 'email',
        email: 'grace.hopper@example.test',
        identityMethod: 'staff_known_contact',
        language: 'en',
        details: { rectification: { lastName: 'Hopper' } },
      }),
    );
    requestId = logged.id;
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

  it('reviews the proposed value next to the held one, approves it and completes the request', async () => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await page.goto(`/requests/${requestId}`);
    await page.getByRole('heading', { name: /^Request R-/ }).waitFor();
    const panel = page.getByTestId('fulfilment-rectification');
    await panel.waitFor();
    const row = panel.getByRole('row', { name: /lastName/ });
    expect(await row.textContent()).toContain('Hoper');
    expect(await row.textContent()).toContain('Hopper');
    await panel.getByText('Approve', { exact: true }).click();
    await panel.getByRole('textbox', { name: 'Reason for lastName' }).fill('Passport seen at the desk');
    await panel.getByRole('button', { name: 'Apply decisions' }).click();
    await expect.poll(() => page.getByTestId('request-status').textContent()).toBe('Completed');
    await page.getByText('nothing left to fulfil').waitFor();
    const ctx = {
      workspaceId,
      actor: { type: 'system' as const, id: 'test-check' },
      purpose: 'crm',
      role: { purposes: ['*'], dataCategories: ['*'] },
    };
    expect((await server.services.people.get(ctx, personId)).lastName).toBe('Hopper');
    expect(problems).toEqual([]);
  });

  it('previews an erasure, erases after confirmation and links the certificate', async () => {
    const ctx = {
      workspaceId,
      actor: { type: 'system' as const, id: 'test-setup' },
      purpose: 'crm',
      role: { purposes: ['*'], dataCategories: ['*'] },
    };
    const erin = await server.services.people.create(ctx, {
      firstName: 'Erin',
      email: 'erin.erase@example.test',
    });
    const logged = await server.t.db.kysely
      .transaction()
      .execute((trx) =>
        server.services.requests.logFromStaff(trx, ctx, {
          type: 'erasure',
          channel: 'email',
          email: 'erin.erase@example.test',
          identityMethod: 'staff_known_contact',
          language: 'en',
        }),
      );
    await page.goto(`/requests/${logged.id}`);
    const panel = page.getByTestId('fulfilment-erasure');
    await panel.getByText('Nothing: every value is erased.').waitFor();
    await panel.getByRole('button', { name: 'Erase…' }).click();
    await panel.getByRole('button', { name: 'Erase now' }).click();
    const result = page.getByTestId('fulfilment-erasure-result');
    await result.waitFor();
    const certificateLink = result.getByRole('link');
    expect(await certificateLink.getAttribute('href')).toMatch(/^\/erasure\/[0-9a-f-]{36}$/);
    expect(await result.textContent()).toContain('We erased your personal data');
    await expect.poll(() => page.getByTestId('request-status').textContent()).toBe('Completed');
    const row = await server.t.db.kysely
      .selectFrom('persons')
      .select('erased_at')
      .where('id', '=', erin.id)
      .executeTakeFirstOrThrow();
    expect(row.erased_at).not.toBeNull();
    expect(problems).toEqual([]);
  });
});
