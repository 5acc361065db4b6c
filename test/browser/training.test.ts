import { randomUUID } from 'node:crypto';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { starterModules } from '../../src/governance/training/starter-modules/starter-modules.ts';
import { hashPassword } from '../../src/identity/password-hash.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

const salesEmail = 'sam.sales@example.test';
const salesPassword = 'a long sales passphrase 2026';
const breach = starterModules.find((m) => m.key === 'breach-reporting');

/**
 * Staff training in a real browser: the owner assigns the breach module to Sales and turns the training gate on; a
 * sales user is refused a person's record, fails the quiz, retries and passes, and then reads the record.
 */
describe('staff training console pages in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let owner: Page;
  let sales: Page;
  let personId = '';
  const problems: string[] = [];

  async function open(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return page;
  }

  /** Ticks an option of a quiz question and waits until the page shows it ticked. */
  async function tick(page: Page, questionId: string, option: string) {
    const box = page.getByTestId(`quiz-question-${questionId}`).getByRole('checkbox', { name: option, exact: true });
    // The keyboard, as a user without a mouse would: the sticky header can cover the box at click coordinates.
    await box.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => box.isChecked()).toBe(true);
  }

  async function signIn(page: Page, email: string, password: string) {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
  }

  beforeAll(async () => {
    server = await startConsoleServer();
    const db = server.t.db.kysely;
    const workspace = await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    const ownerToken = await insertTokenForRole(db, workspace.id, 'owner');
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: { authorization: `Bearer ${ownerToken.token}` },
      payload: { firstName: 'Grace', lastName: 'Hopper' },
    });
    personId = created.json().id;
    const role = await db.selectFrom('roles').select('id').where('workspace_id', '=', workspace.id).where('key', '=', 'sales').executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    await db
      .insertInto('users')
      .values({
        id: randomUUID(),
        workspace_id: workspace.id,
        email: salesEmail,
        name: 'Sam Sales',
        password_hash: await hashPassword(salesPassword),
        role_id: role.id,
        disabled: 0,
        mfa_secret: null,
        mfa_enabled: 0,
        mfa_last_step: null,
        password_changed_at: now,
        last_sign_in_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    browser = await launchChromium();
    const options = { viewport: { width: 1366, height: 900 }, baseURL: server.baseUrl };
    owner = await open(await browser.newContext(options));
    sales = await open(await browser.newContext(options));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('assigns the breach module to Sales and turns the training gate on', async () => {
    await signIn(owner, ownerEmail, ownerPassword);
    await owner.goto('/training');
    await owner.getByRole('table', { name: 'Training modules' }).getByText('Spotting and reporting a breach').waitFor();
    await owner.getByRole('tab', { name: 'Assignments' }).click();
    const form = owner.getByRole('form', { name: 'Assign a module to a role' });
    await form.getByRole('combobox', { name: 'Module' }).click();
    await owner.getByRole('option', { name: 'Spotting and reporting a breach' }).click();
    await form.getByRole('combobox', { name: 'Role' }).click();
    await owner.getByRole('option', { name: 'Sales', exact: true }).click();
    await form.getByRole('button', { name: 'Assign' }).click();
    await owner.getByRole('table', { name: 'Assignments by role' }).getByText('Spotting and reporting a breach').waitFor();

    await owner.goto('/settings');
    await owner.getByRole('switch', { name: 'Training · required before personal data' }).check({ force: true });
    await owner.getByRole('button', { name: /^Save/ }).click();
    await owner.getByText('Settings saved.').waitFor();
  });

  it('refuses the sales user a person’s record while the training is not done', async () => {
    await signIn(sales, salesEmail, salesPassword);
    await sales.getByTestId('home-widget-my-training').getByText('Spotting and reporting a breach').waitFor();
    await sales.goto(`/people/${personId}`);
    await sales.locator('[data-problem-code="TRAINING_REQUIRED"]').waitFor();
    expect(await sales.getByText('Grace').count()).toBe(0);
  });

  it('fails the quiz, retries and passes', async () => {
    if (!breach) throw new Error('the breach starter module is missing');
    await sales.goto('/my-training');
    await sales.getByRole('link', { name: 'Spotting and reporting a breach' }).click();
    await sales.getByTestId('module-content').getByText('72 hours', { exact: false }).first().waitFor();

    // Only the first question right: below the 80 % pass mark.
    const q1 = breach.quiz[0];
    const right1 = q1?.options.find((o) => o.correct);
    if (!right1) throw new Error('question 1 has no right answer');
    await sales.getByRole('button', { name: 'Submit answers' }).waitFor();
    await tick(sales, 'q1', right1.text);
    await sales.getByRole('button', { name: 'Submit answers' }).click();
    const result = sales.getByTestId('quiz-result');
    await result.getByText(/^Not passed/).waitFor();

    await sales.getByRole('button', { name: 'Retry' }).click();
    for (const [i, q] of breach.quiz.entries()) {
      for (const o of q.options.filter((x) => x.correct)) await tick(sales, `q${i + 1}`, o.text);
    }
    await sales.getByRole('button', { name: 'Submit answers' }).click();
    await result.getByText('Passed with 100 %').waitFor();
  });

  it('lets the trained user read the record at once', async () => {
    await sales.goto(`/people/${personId}`);
    await sales.getByText('Grace').first().waitFor();
    expect(await sales.locator('[data-problem-code="TRAINING_REQUIRED"]').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
