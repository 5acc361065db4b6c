import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import type { AppServices } from '../../src/http/app-services.ts';
import { webDistDir } from '../../src/http/web-console.ts';
import { hashPassword } from '../../src/identity/password-hash.ts';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { launchChromium } from './launch-chromium.ts';

const dpoEmail = 'dana.dpo@example.test';
const dpoPassword = 'a long officer passphrase 2026';
const people = 30;

/**
 * The simulated breach of issue 8, end to end in a real browser: a sales account that exports two customers every
 * weekday morning exports everyone at 02:00; the anomaly detector raises an alert; the DPO turns it into an incident,
 * sees the 72-hour clock running and the affected people computed from the audit log, assesses the risk and produces
 * both notification drafts. The server runs on a fixed clock (the week of the baseline, then the night).
 */
describe('breach response in Chromium', () => {
  const clock = createFixedClock('2026-03-02T10:00:00.000Z');
  let t: TestDatabase;
  let app: App;
  let services: AppServices;
  let baseUrl = '';
  let browser: Browser;
  let page: Page;
  let workspaceId = '';
  let sales = { authorization: '' };
  let officer = { authorization: '' };
  let alertId = '';
  const problems: string[] = [];

  const inject = async (
    auth: { authorization: string },
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await app.inject({
      method,
      url,
      headers: { ...auth, ...headers },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res;
  };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(webDistDir, 'index.html')))
      throw new Error('web/dist is missing: build the console first');
    t = await createTestDatabase('sqlite');
    const config = loadConfig({
      CUSTODIAN_MODE: 'development',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_ADMIN_EMAIL: ownerEmail,
      CUSTODIAN_ADMIN_PASSWORD: ownerPassword,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
    });
    workspaceId = (await ensureFirstStart({ config, db: t.db, clock })).workspaceId;
    services = await createAppServices({ config, db: t.db, clock });
    app = await buildApp({ config, db: t.db, clock, logger: false, ...services });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;

    const db = t.db.kysely;
    const owner = { authorization: `Bearer ${(await insertTokenForRole(db, workspaceId, 'owner')).token}` };
    sales = { authorization: `Bearer ${(await insertTokenForRole(db, workspaceId, 'sales')).token}` };
    officer = {
      authorization: `Bearer ${(await insertTokenForRole(db, workspaceId, 'privacy_officer')).token}`,
    };
    const role = await db
      .selectFrom('roles')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', 'privacy_officer')
      .executeTakeFirstOrThrow();
    const at = clock.now().toISOString();
    await db
      .insertInto('users')
      .values({
        id: randomUUID(),
        workspace_id: workspaceId,
        email: dpoEmail,
        name: 'Dana Officer',
        password_hash: await hashPassword(dpoPassword),
        role_id: role.id,
        disabled: 0,
        mfa_secret: null,
        mfa_enabled: 0,
        mfa_last_step: null,
        password_changed_at: at,
        last_sign_in_at: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await inject(
      officer,
      'PUT',
      '/api/v1/governance/organisation',
      {
        controller: {
          name: 'Acme Widgets SA',
          address: '1 Rue de la Paix, Paris',
          email: 'privacy@acme.test',
          phone: '',
        },
        representative: null,
        dpo: { name: 'Dana Officer', email: 'dpo@acme.test', phone: '' },
      },
      { 'if-match': '"0"' },
    );
    // Thresholds for a small workspace: ten records an hour and three deviations above the account's baseline.
    await inject(
      officer,
      'PUT',
      '/api/v1/alert-rules',
      { rules: { bulk_export: { minimum: 10 } } },
      { 'if-match': '"0"' },
    );
    for (let i = 0; i < people; i++) {
      await inject(owner, 'POST', '/api/v1/people', {
        firstName: `Client${i}`,
        lastName: 'Example',
        email: `client${i}@customers.test`,
        lifecycleStage: i < 2 ? 'customer' : 'lead',
      });
    }

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: baseUrl });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text()))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.destroy();
  });

  it('raises an alert when the sales account exports everyone at night after a week of small daytime exports', async () => {
    const detector = services.alerts.detector('breach-response-test');
    const exportPeople = async (filters: Record<string, unknown>) =>
      Number(
        (
          await inject(sales, 'POST', '/api/v1/exports', {
            entity: 'person',
            format: 'json',
            purpose: 'crm',
            filters,
          })
        ).headers['custodian-export-count'],
      );
    for (let day = 0; day < 5; day++) {
      clock.set(new Date(Date.UTC(2026, 2, 2 + day, 10, 0, 0)));
      expect(await exportPeople({ lifecycleStage: 'customer' })).toBe(2);
      await detector.runOnce();
    }
    expect((await inject(officer, 'GET', '/api/v1/alerts')).json().items).toEqual([]);
    clock.set('2026-03-07T02:00:00.000Z'); // Saturday night, after the week's last export
    expect(await exportPeople({})).toBe(people);
    await detector.runOnce();
    const alerts = (await inject(officer, 'GET', '/api/v1/alerts?rule=bulk_export')).json().items as {
      id: string;
      rule: string;
      subjectType: string;
    }[];
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'bulk_export', subjectType: 'token' });
    alertId = alerts[0]!.id;
    clock.set('2026-03-07T07:30:00.000Z');
  });

  it('the DPO turns the alert into an incident and sees the clock running and the affected people', async () => {
    await signIn();
    // The Alerts page: the bulk export, opened, turned into an incident (the console goes to the new incident).
    await page.goto('/alerts');
    await page.getByTestId('alert-row-bulk_export').getByRole('link').click();
    await page.getByRole('button', { name: 'Open an incident' }).click();
    await page.getByRole('heading', { name: /INC-2026-0001/ }).waitFor();
    expect((await inject(officer, 'GET', `/api/v1/alerts/${alertId}`)).json()).toMatchObject({
      status: 'incident',
    });

    await page.goto('/incidents');
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    const row = page.getByRole('row', { name: /INC-2026-0001/ });
    await row.waitFor();
    // Aware at 02:00 (the alert), now 07:30 on the server: 66 h 30 min left, counting down in the page.
    const clockBadge = row.getByTestId('breach-clock');
    await expect.poll(() => clockBadge.textContent()).toMatch(/^2 d 18:(29|30):\d\d left$/);
    const first = await clockBadge.textContent();
    await expect.poll(() => clockBadge.textContent()).not.toBe(first);
    await expect.poll(() => row.getByRole('cell').nth(3).textContent()).toBe(String(people));

    await row.getByRole('link').click();
    await page.getByRole('heading', { name: /INC-2026-0001/ }).waitFor();
    await expect.poll(() => page.getByTestId('affected-people').textContent()).toBe(String(people));
    await expect.poll(() => page.getByTestId('affected-records').textContent()).toBe(String(people));
    await expect.poll(() => page.getByText('computed from the audit log').count()).toBe(1);
    await expect.poll(() => page.getByTestId('missing-authority').textContent()).toContain('consequences');
  });

  it('assesses the risk and produces both notification drafts', async () => {
    await page
      .getByLabel('Likely consequences for the people')
      .fill('Phishing emails using the names and addresses of customers and leads.');
    await page.getByLabel('Measures taken').fill('The token was revoked at 07:00 and the account suspended.');
    await page
      .getByLabel('Measures proposed')
      .fill('Export limits per role; approval for exports over 100 people.');
    await page
      .getByLabel('What the people can do (for the letter)')
      .fill('Do not answer emails asking for your password.');
    await page.getByRole('combobox', { name: 'Likelihood' }).click();
    await page.getByRole('option', { name: '3 High' }).click();
    await page.getByRole('combobox', { name: 'Severity' }).click();
    await page.getByRole('option', { name: '3 High' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText(/Likelihood 3 x severity 3 = 9: high risk/).count()).toBe(1);
    await expect.poll(() => page.getByTestId('missing-authority').count()).toBe(0);

    await page.getByRole('button', { name: 'Draft notification' }).click();
    const authority = page.getByRole('dialog', { name: /supervisory authority/ });
    await authority.waitFor();
    for (const text of [
      'Approximate number of data subjects concerned: 30',
      'Approximate number of personal data records concerned: 30',
      'Dana Officer',
      'dpo@acme.test',
      'Phishing emails',
      'Taken: The token was revoked',
    ]) {
      await expect
        .poll(() => authority.getByText(text, { exact: false }).count(), { message: text })
        .toBeGreaterThan(0);
    }
    await page.keyboard.press('Escape');
    await authority.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Draft letter' }).click();
    const letter = page.getByRole('dialog', { name: /people concerned/ });
    await letter.waitFor();
    for (const heading of [
      'What happened',
      'What this may mean for you',
      'What we have done',
      'What you can do',
      'Who to contact',
    ]) {
      await expect
        .poll(() => letter.getByText(heading, { exact: true }).count(), { message: heading })
        .toBe(1);
    }
    expect(await letter.textContent()).not.toContain('@customers.test');
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.getByTestId('recipients-summary').textContent())
      .toContain(
        `${people} people to notify, known by pseudonym (${people} by email); 0 more in bulk operations`,
      );
    // Every step is on the incident's timeline.
    const timeline = page.getByRole('table', { name: 'Timeline' });
    for (const kind of ['aware', 'opened', 'scope computed', 'updated', 'draft']) {
      await expect
        .poll(() => timeline.getByText(kind, { exact: true }).count(), { message: kind })
        .toBeGreaterThan(0);
    }
  });

  it('shows the open incident on the home page and the privacy dashboard', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    const widget = page.getByTestId('home-widget-open-incidents');
    await expect.poll(() => widget.getByText(/INC-2026-0001/).count()).toBe(1);
    await expect.poll(() => widget.getByTestId('breach-clock').textContent()).toMatch(/left$/);
    await page.goto('/dashboard/privacy');
    const panel = page.getByTestId('dashboard-incidents');
    await expect.poll(() => panel.getByRole('link', { name: 'INC-2026-0001' }).count()).toBe(1);
  });

  it('after 72 hours without notification: overdue, late reasons required, and a finding of the compliance audit', async () => {
    clock.set('2026-03-10T05:30:00.000Z'); // 75 h 30 min after awareness; the session has expired meanwhile
    await signIn();
    await page.goto('/incidents');
    const row = page.getByRole('row', { name: /INC-2026-0001/ });
    await expect
      .poll(() => row.getByTestId('breach-clock').textContent())
      .toMatch(/^overdue by 03:(29|30):\d\d$/);
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: /INC-2026-0001/ }).waitFor();
    await expect.poll(() => page.getByTestId('missing-authority').textContent()).toContain('lateReason');
    await expect
      .poll(() => page.getByLabel('Reasons for notifying after 72 hours (Art. 33(1))').count())
      .toBe(1);

    await page.goto('/compliance');
    await page.getByTestId('compliance-run').click();
    const findings = page.getByTestId('compliance-findings');
    await expect.poll(() => findings.getByText(/past 72 hours/).count()).toBeGreaterThan(0);
    const incidentId = (await inject(officer, 'GET', '/api/v1/incidents')).json().items[0].id as string;
    await expect
      .poll(() => findings.locator(`a[href="/incidents/${incidentId}"]`).count())
      .toBeGreaterThan(0);
    // The auditor pack's breach register carries it with the computed number of people.
    const pack = await app.inject({
      method: 'GET',
      url: '/api/v1/compliance/auditor-pack?from=2026-03-01&to=2026-03-10',
      headers: officer,
    });
    expect(pack.statusCode).toBe(200);
    const files = unzipSync(new Uint8Array(pack.rawPayload));
    const register = JSON.parse(strFromU8(files['breaches/breach-register.json']!)) as Record<
      string,
      unknown
    >[];
    expect(register).toEqual([
      expect.objectContaining({
        reference: 'INC-2026-0001',
        affectedPeople: people,
        affectedRecords: people,
        notificationDeadline: '2026-03-10T02:00:00.000Z',
      }),
    ]);
    expect(problems).toEqual([]);
  });

  it('lets staff override the numbers with a reason and add actions to the timeline', async () => {
    await page.goto('/incidents');
    await page
      .getByRole('row', { name: /INC-2026-0001/ })
      .getByRole('link')
      .click();
    await page.getByRole('heading', { name: /INC-2026-0001/ }).waitFor();
    await page.getByRole('button', { name: 'Override numbers' }).click();
    const dialog = page.getByRole('dialog', { name: 'Override the computed numbers' });
    await dialog.getByLabel('People (approximate)').fill('45');
    await dialog.getByLabel('Reason').fill('The same file was also copied to a USB key.');
    await dialog.getByRole('button', { name: 'Save override' }).click();
    await expect.poll(() => page.getByTestId('affected-people').textContent()).toBe('45');
    await expect.poll(() => page.getByText('set by staff', { exact: true }).count()).toBe(1);
    await page.getByLabel('Add an action').fill('Called the authority to announce the notification.');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const timeline = page.getByRole('table', { name: 'Timeline' });
    await expect
      .poll(() => timeline.getByText('Called the authority to announce the notification.').count())
      .toBe(1);
    expect(problems).toEqual([]);
  });

  async function signIn() {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(dpoEmail);
    await page.getByLabel(/^Password/).fill(dpoPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
  }
});
