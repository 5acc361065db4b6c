import { randomUUID } from 'node:crypto';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/identity/password-hash.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

const dpoEmail = 'dana.dpo@example.test';
const dpoPassword = 'a long officer passphrase 2026';

/**
 * The governance registers in a real browser: a DPO fills in the organisation, records a processor in the United
 * States with standard contractual clauses, finds both in the Art. 30 record, then writes and signs a DPIA.
 */
describe('governance console pages in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  /** Picks `option` in the Mantine select labelled `label` inside `scope` (a multi-select's list is closed after). */
  async function choose(scope: Page | Locator, label: string, option: string | RegExp, multi = false) {
    await scope.getByRole('combobox', { name: label }).first().click();
    await page.getByRole('option', { name: option }).first().click();
    if (multi) await page.keyboard.press('Escape');
  }

  beforeAll(async () => {
    server = await startConsoleServer();
    const db = server.t.db.kysely;
    const workspace = await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    const role = await db.selectFrom('roles').select('id').where('workspace_id', '=', workspace.id).where('key', '=', 'privacy_officer').executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    await db
      .insertInto('users')
      .values({
        id: randomUUID(),
        workspace_id: workspace.id,
        email: dpoEmail,
        name: 'Dana Officer',
        password_hash: await hashPassword(dpoPassword),
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
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: server.baseUrl });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(dpoEmail);
    await page.getByLabel(/^Password/).fill(dpoPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('fills in the organisation with its DPO', async () => {
    await page.goto('/governance/organisation');
    await page.getByRole('heading', { name: 'Organisation' }).waitFor();
    const controller = page.getByRole('group', { name: /Controller/ });
    await controller.getByLabel('Name').fill('Acme GmbH');
    await controller.getByLabel('Email').fill('privacy@acme.test');
    await controller.getByLabel('Address').fill('Hauptstraße 1, 10115 Berlin');
    await page.getByLabel('A data protection officer is designated (Art. 37)').check();
    await page.getByLabel('DPO name').fill('Dana Officer');
    await page.getByLabel('DPO email').fill('dpo@acme.test');
    await page.getByRole('button', { name: 'Save organisation' }).click();
    await expect.poll(() => page.getByText('Version 1', { exact: true }).count()).toBe(1);
  });

  it('records a processor in the United States and its standard contractual clauses', async () => {
    await page.goto('/governance/processors');
    await page.getByRole('link', { name: 'New processor' }).click();
    await page.getByLabel('Name').fill('Mailer Inc');
    await page.getByLabel('Services').fill('Transactional email delivery');
    await choose(page, 'Data categories', /\(user\.contact\.email\)/, true);
    await choose(page, 'Purposes', /^Customer relationship/, true);
    const countries = page.locator('input[data-path="countries"]');
    await countries.fill('US');
    await countries.press('Enter');
    await page.getByLabel('Signed on').fill('2026-01-15');
    await page.getByLabel('Document reference').fill('DMS-2026-0042');
    for (const term of await page.getByRole('group', { name: /Agreement/ }).getByRole('checkbox').all()) await term.check();
    await page.getByLabel('Next review').fill('2027-01-15');
    await page.getByRole('button', { name: 'Save processor' }).click();
    await page.getByRole('heading', { name: 'Mailer Inc' }).waitFor();
    await expect.poll(() => page.getByText('Complete', { exact: true }).count()).toBeGreaterThan(0);

    await page.goto('/governance/transfers');
    const gaps = page.getByTestId('transfer-gaps');
    await expect.poll(() => gaps.getByText('No transfer tool').count()).toBe(1);
    await gaps.getByRole('button', { name: 'Record tool' }).click();
    const modal = page.getByRole('dialog', { name: 'New transfer' });
    await choose(modal, 'Transfer tool', 'Standard contractual clauses');
    await choose(modal, 'SCC module', /Module 2/);
    await modal.getByLabel('Transfer impact assessment reference').fill('TIA-2026-07');
    await modal.getByRole('button', { name: 'Save transfer' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Transfers', exact: true }).getByText('TIA-2026-07').count()).toBe(1);
    expect(await page.getByTestId('transfer-gaps').count()).toBe(0);
    await page.getByRole('button', { name: 'Edit transfer of Mailer Inc to United States' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit transfer' });
    await edit.getByLabel('Transfer impact assessment reference').fill('TIA-2026-08');
    await edit.getByRole('button', { name: 'Save transfer' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Transfers', exact: true }).getByText('TIA-2026-08').count()).toBe(1);
  });

  it('shows the processor and the transfer in the Art. 30 record', async () => {
    await page.goto('/governance/ropa');
    const crm = page.getByTestId('ropa-activity-crm');
    await expect.poll(() => crm.getByText('Mailer Inc — processor (US)').count()).toBe(1);
    await expect.poll(() => crm.getByText(/Mailer Inc → United States: Standard contractual clauses \(2021\/914\), module 2/).count()).toBe(1);
    expect(await page.getByText('Acme GmbH', { exact: false }).count()).toBeGreaterThan(0);
  });

  it('writes a DPIA through the CNIL sections and signs it', async () => {
    await page.goto('/governance/dpias');
    await page.getByRole('button', { name: 'New DPIA' }).click();
    await page.getByRole('dialog').getByLabel('Title').fill('Lead scoring');
    await page.getByRole('button', { name: 'Start DPIA' }).click();
    await page.getByRole('heading', { name: 'Lead scoring' }).waitFor();

    await page.getByLabel('Evaluation or scoring').check();
    await page.getByLabel('Large scale').check();
    await expect.poll(() => page.getByText(/2 met: a DPIA is recommended/).count()).toBe(1);
    await page.getByLabel('Processing described').fill('Scores leads from their interactions.');
    await choose(page, 'Purposes covered', /^Customer relationship/, true);
    await choose(page, 'Data categories', /\(user\.contact\.email\)/, true);
    await page.getByLabel('Retention').fill('While the lead is open, at most 2 years.');

    await page.getByRole('button', { name: /Principles/ }).click();
    await page.getByLabel('Necessity and proportionality').fill('Interaction counts only; no special categories.');
    await page.getByLabel('Measures protecting the rights of data subjects').fill('Objection honoured at once.');

    await page.getByRole('button', { name: /Risks/ }).click();
    for (const key of ['illegitimate_access', 'unwanted_modification', 'disappearance']) {
      const risk = page.getByTestId(`risk-${key}`);
      await risk.getByLabel('Impacts').fill('Unsolicited contact');
      await risk.getByLabel('Threats').fill('Stolen credentials');
      await risk.getByLabel('Sources').fill('External attacker');
      await risk.getByLabel('Existing measures').fill('Per-person encryption');
      await choose(risk, 'Severity', '2 Limited');
      await choose(risk, 'Likelihood', '3 Significant');
    }

    await page.getByRole('button', { name: /Validation/ }).click();
    await expect.poll(() => page.getByTestId('risk-map').locator('[data-cell="2-3"]').getByText(/Illegitimate access/).count()).toBe(1);
    await page.getByLabel("DPO's opinion").fill('Acceptable with the planned measures.');
    await page.getByLabel('Next review').fill('2027-06-01');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByText('Draft saved: ready to sign.').count()).toBe(1);

    await page.getByRole('button', { name: /Sign-off/ }).click();
    await page.getByRole('button', { name: 'Sign DPIA' }).click();
    await expect.poll(() => page.getByTestId('dpia-signed').count()).toBe(1);

    await page.goto('/');
    const widget = page.getByTestId('home-widget-governance-due');
    await expect.poll(() => widget.getByText('Governance due').count()).toBe(1);
    await expect.poll(() => widget.getByTestId('governance-overdue').textContent()).toBe('0 overdue');
    expect(problems).toEqual([]);
  });
});
