import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

/**
 * A salesperson's day in a real browser against a real server: log a call on a person and see it on their timeline;
 * create a task due yesterday, see it overdue in My tasks, and complete it.
 */
describe('activities and tasks in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
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

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  it('logs a call on a person and shows it on their timeline', async () => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();

    await nav('People').click();
    await page.getByRole('button', { name: 'New person' }).click();
    const dialog = page.getByRole('dialog', { name: 'New person' });
    await dialog.getByLabel('First name').fill('Margaret');
    await dialog.getByLabel('Last name').fill('Hamilton');
    await dialog.getByRole('button', { name: 'Add person' }).click();
    await page.waitForURL(/\/people\/[0-9a-f-]{36}$/);

    const composer = page.getByRole('form', { name: 'Log an activity' });
    await composer.locator('label', { hasText: /^Call$/ }).click();
    await composer.getByLabel('Subject').fill('Apollo guidance software');
    const notes = composer.getByRole('textbox', { name: 'Notes' });
    await notes.click();
    await composer.getByRole('button', { name: 'Bold' }).click();
    await page.keyboard.type('Priority');
    await composer.getByRole('button', { name: 'Bold' }).click();
    await page.keyboard.type(' display routines discussed');
    await composer.getByRole('button', { name: 'Log call' }).click();

    const entry = page.getByTestId('timeline-entry').filter({ hasText: 'Apollo guidance software' });
    await entry.waitFor();
    expect(await entry.getAttribute('data-kind')).toBe('activity.call');
    expect(await entry.locator('strong, b').first().textContent()).toBe('Priority');
    const row = await server.t.db.kysely.selectFrom('activities').select(['type', 'subject_text', 'subject_enc']).executeTakeFirstOrThrow();
    expect(row.type).toBe('call');
    expect(row.subject_text).toBeNull();
    expect(Buffer.from(row.subject_enc!).toString('latin1')).not.toContain('Apollo');
  });

  it('creates a task due yesterday, shows it overdue in My tasks, and completes it', async () => {
    const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    await page.getByTestId('tasks-panel').getByRole('button', { name: 'New task' }).click();
    const dialog = page.getByRole('dialog', { name: 'New task' });
    await dialog.getByLabel('Title').fill('Send the lunar module checklist');
    await dialog.getByLabel('Due date').fill(yesterday);
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await page.getByTestId('tasks-panel').getByText('Send the lunar module checklist').waitFor();

    await nav('My tasks').click();
    await page.getByRole('heading', { name: 'My tasks', exact: true }).waitFor();
    const line = page.getByTestId('task-line').filter({ hasText: 'Send the lunar module checklist' });
    await line.waitFor();
    expect(await line.getAttribute('data-overdue')).toBe('true');
    await line.getByText('Overdue', { exact: true }).waitFor();
    await page.getByTestId('overdue-summary').waitFor();

    await line.getByRole('checkbox').click();
    await expect.poll(() => page.getByTestId('task-line').filter({ hasText: 'Send the lunar module checklist' }).count()).toBe(0);
    const task = await server.t.db.kysely.selectFrom('tasks').select(['status', 'completed_at']).executeTakeFirstOrThrow();
    expect(task.status).toBe('done');
    expect(task.completed_at).not.toBeNull();
    expect(problems).toEqual([]);
  });
});
