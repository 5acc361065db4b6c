import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

const person = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada.lovelace@example.test',
  phone: '+44 20 7946 0018',
};
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The privacy kernel's console pages in a real browser against a real server (SQLite, development mode): catalogue,
 * purposes with their validation, a person's privacy panel, erasure and its certificate. The steps share one page and
 * build on each other, so they run in order.
 */
describe('privacy kernel console pages in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requestedUrls: string[] = [];
  const purposeHeadersSent: string[] = [];
  let personPath = '';

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      baseURL: server.baseUrl,
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (message) => {
      // Refused calls (4xx) are part of the walk; script and CSP errors are not.
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text()))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      requestedUrls.push(request.url());
      const purpose = request.headers()['custodian-purpose'];
      if (purpose)
        purposeHeadersSent.push(`${request.method()} ${new URL(request.url()).pathname} ${purpose}`);
    });
  });

  afterEach(async (context) => {
    if (process.env.PK_DEBUG && context.task.result?.state === 'fail') {
      await page.screenshot({
        path: `/tmp/pk-fail-${context.task.name.slice(0, 20).replace(/\W/g, '_')}.png`,
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const pathname = () => new URL(page.url()).pathname;
  const nav = (group: string, label: string) =>
    page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('group', { name: group })
      .getByRole('link', { name: label, exact: true });

  it('signs the owner in and shows People in CRM and the privacy pages in Privacy', async () => {
    await page.goto('/');
    await expect.poll(pathname).toBe('/sign-in');
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel(/^Password/).fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await nav('CRM', 'People').waitFor();
    for (const label of ['Data catalogue', 'Purposes', 'Erasure certificates'])
      await nav('Privacy', label).waitFor();
  });

  it('browses the catalogue: special categories flagged, built-in person attributes declared', async () => {
    await nav('Privacy', 'Data catalogue').click();
    await page.getByRole('heading', { name: 'Data catalogue' }).waitFor();
    await page.getByRole('switch', { name: 'Only Art. 9 and Art. 10 categories' }).check({ force: true });
    const flagged = page.getByRole('table', { name: 'Data categories' }).getByRole('row');
    await expect.poll(() => flagged.count()).toBeGreaterThan(1);
    expect(await flagged.nth(1).textContent()).toMatch(/Art\. (9 special|10 criminal)/);
    await page.getByRole('tab', { name: /Declared attributes/ }).click();
    const attributes = page.getByRole('table', { name: 'Declared attributes' });
    await attributes.getByText('person.email').waitFor();
    expect(await attributes.getByRole('row', { name: /person\.email/ }).textContent()).toContain(
      'user.contact.email',
    );
  });

  it('shows the API’s problem when a workspace category has no existing parent, then adds one', async () => {
    await page.getByRole('button', { name: 'New category' }).click();
    const dialog = page.getByRole('dialog', { name: 'New data category' });
    await dialog.getByLabel('Key').fill('nowhere.at_all');
    await dialog.getByLabel('Name').fill('Nowhere');
    await dialog.getByRole('button', { name: 'Add category' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.getAttribute('data-problem-code')).toBeTruthy();
    await dialog.getByLabel('Key').fill('user.contact.linkedin');
    await dialog.getByLabel('Name').fill('LinkedIn profile');
    await dialog.getByRole('button', { name: 'Add category' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: /Categories/ }).click();
    await page.getByRole('switch', { name: 'Only Art. 9 and Art. 10 categories' }).uncheck({ force: true });
    await page.getByLabel('Filter categories').fill('linkedin');
    const row = page
      .getByRole('table', { name: 'Data categories' })
      .getByRole('row', { name: /user\.contact\.linkedin/ });
    expect(await row.textContent()).toContain('Workspace');
  });

  it('validates a purpose like the server (LIA for legitimate interests, Art. 9(2) for special data) and registers it', async () => {
    await nav('Privacy', 'Purposes').click();
    await page.getByRole('heading', { name: 'Purposes' }).waitFor();
    await page.getByRole('table', { name: 'Purposes' }).getByText('Email marketing').waitFor();
    await page.getByRole('button', { name: 'New purpose' }).click();
    const dialog = page.getByRole('dialog', { name: 'New purpose' });
    await dialog.getByLabel('Key').fill('events');
    await dialog.getByLabel('Name').fill('Event invitations');
    await dialog.getByRole('combobox', { name: 'Lawful basis' }).click();
    await page.getByRole('option', { name: '6(1)(f) Legitimate interests' }).click();
    const required = dialog.getByRole('combobox', { name: 'Required data categories' });
    await required.fill('user.health');
    await page.getByRole('option', { name: 'user.health (Art. 9)', exact: true }).click();
    await dialog.getByRole('button', { name: 'Register purpose' }).click();
    await dialog.getByText('Required for legitimate interests').waitFor();
    await dialog.getByText('Required because a chosen category is special (Art. 9)').waitFor();

    // Remove the special category, fill the assessment: the purpose registers.
    await required.press('Backspace');
    await dialog.getByText('Needed only when a chosen category is special-category data').waitFor();
    await required.fill('user.contact.email');
    await page.getByRole('option', { name: 'user.contact.email', exact: true }).click();
    await dialog
      .getByLabel('Legitimate-interest assessment')
      .fill('Inviting customers to our events; necessary to reach them; light impact, easy opt-out.');
    await dialog.getByRole('switch', { name: 'Active from now on' }).check({ force: true });
    await dialog.getByRole('button', { name: 'Register purpose' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('table', { name: 'Purposes' }).getByRole('row', { name: /Event invitations/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('6(1)(f) Legitimate interests');
    expect(await row.textContent()).toContain('Active');
    await row.getByRole('button', { name: 'Edit Event invitations' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit purpose events' });
    await edit.getByLabel('Default retention').fill('P2Y');
    await edit.getByRole('button', { name: 'Save new version' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => row.textContent()).toContain('P2Y');
    await row.getByRole('button', { name: 'History of Event invitations' }).click();
    const history = page.getByRole('dialog', { name: /History of Event invitations/ });
    // Header plus one row per version, newest first.
    await expect
      .poll(() => history.getByRole('table', { name: 'Versions' }).getByRole('row').count())
      .toBe(3);
    await page.keyboard.press('Escape');
    await history.waitFor({ state: 'detached' });
  });

  it('creates a person and shows the privacy panel and every value held, under the applied purpose', async () => {
    await nav('CRM', 'People').click();
    await page.getByRole('heading', { name: 'People' }).waitFor();
    await page.getByText('No people yet.').waitFor();
    await page.getByRole('button', { name: 'New person' }).click();
    const dialog = page.getByRole('dialog', { name: 'New person' });
    await dialog.getByLabel('First name').fill(person.firstName);
    await dialog.getByLabel('Last name').fill(person.lastName);
    await dialog.getByLabel('Email').fill(person.email);
    await dialog.getByLabel('Phone').fill(person.phone);
    await dialog.getByRole('button', { name: 'Add person' }).click();
    await page.getByTestId('person-name').getByText(`${person.firstName} ${person.lastName}`).waitFor();
    personPath = pathname();
    const [, section, id] = personPath.split('/');
    expect(section).toBe('people');
    expect(id).toMatch(uuid);
    expect(await page.getByTestId('applied-purpose').textContent()).toBe('crm');

    const standing = page.getByRole('table', { name: 'Standing per purpose' });
    await standing.getByRole('row', { name: /Customer relationship management/ }).waitFor();
    expect(await standing.getByRole('row', { name: /Email marketing/ }).textContent()).toContain('Not given');

    const held = page.getByRole('table', { name: 'Personal data held' });
    const email = held.locator('[data-attribute="email"]');
    await email.getByText(person.email).waitFor();
    expect(await email.textContent()).toContain('user.contact.email');
    expect(await email.textContent()).toContain('crm');
  });

  it('records consent, an objection and its outcome, and a restriction, from the privacy panel', async () => {
    const standing = page.getByRole('table', { name: 'Standing per purpose' });
    await page.getByRole('button', { name: 'Record consent given for Email marketing' }).click();
    const consent = page.getByRole('dialog', { name: 'Record consent given' });
    await consent.getByRole('button', { name: 'Record consent' }).click();
    await consent.waitFor({ state: 'detached' });
    await expect
      .poll(() => standing.locator('[data-purpose="email_marketing"]').textContent())
      .toContain('Given');

    await page
      .getByRole('button', { name: 'Record an objection to Customer relationship management' })
      .click();
    await page
      .getByRole('button', { name: 'Reject the objection to Customer relationship management' })
      .click();
    await expect
      .poll(() => standing.locator('[data-purpose="crm"]').textContent())
      .toContain('Objection rejected');

    await page.getByRole('combobox', { name: 'Restrict processing (Art. 18)' }).click();
    await page.getByRole('option', { name: '18(1)(a) Accuracy contested' }).click();
    await page.getByRole('button', { name: 'Restrict', exact: true }).click();
    await page.getByTestId('restriction').waitFor();
    await page.getByRole('button', { name: 'Lift restriction' }).click();
    await page.getByTestId('restriction').waitFor({ state: 'detached' });
  });

  it('reads the person under the purpose chosen in the selector and shows the purpose applied', async () => {
    const selector = page.getByRole('combobox', { name: 'Purpose of processing' });
    await selector.click();
    await page.getByRole('option', { name: 'Contract and sales (sales)' }).click();
    await expect.poll(() => page.getByTestId('applied-purpose').textContent()).toBe('sales');
    const id = personPath.split('/')[2];
    expect(purposeHeadersSent).toContain(`GET /api/v1/people/${id} sales`);
    await selector.click();
    await page.getByRole('option', { name: 'Default purpose of my role' }).click();
    await expect.poll(() => page.getByTestId('applied-purpose').textContent()).toBe('crm');
  });

  it('erases the person after a confirmation that says it is irreversible, and shows the certificate', async () => {
    await page.getByRole('button', { name: 'Erase person' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase this person?' });
    await dialog.getByText('This cannot be undone').waitFor();
    expect(await dialog.textContent()).toContain('crypto-shredding');
    const erase = dialog.getByRole('button', { name: 'Erase permanently' });
    expect(await erase.isDisabled()).toBe(true);
    await dialog.getByLabel('I understand that this erasure is irreversible').check();
    await erase.click();
    const certificate = page.getByRole('dialog', { name: 'Certificate of erasure' });
    await certificate.getByTestId('erasure-done').waitFor();
    const certificateId = (await certificate.getByTestId('certificate-id').textContent()) ?? '';
    expect(certificateId).toMatch(uuid);
    expect(await certificate.textContent()).not.toContain(person.email);

    await certificate.getByRole('link', { name: 'Open the signed certificate' }).click();
    await expect.poll(pathname).toBe(`/erasure/${certificateId}`);
    await page.getByTestId('certificate-verified').waitFor();

    await page.goto(personPath);
    await page.getByText('This person was erased').waitFor();
    await nav('Privacy', 'Erasure certificates').click();
    await page
      .getByRole('table', { name: 'Certificates of erasure' })
      .getByRole('link', { name: `Certificate ${certificateId}` })
      .waitFor();
  });

  it('sent the purpose with personal-data calls, kept personal data out of URLs and raised no script error', () => {
    // Only the reads made while a purpose was chosen name it; otherwise the role's default applies.
    expect(purposeHeadersSent.every((sent) => sent.endsWith(' sales'))).toBe(true);
    const leaking = requestedUrls.filter((url) => {
      const decoded = decodeURIComponent(url).toLowerCase();
      return [person.email, person.firstName.toLowerCase(), person.lastName.toLowerCase(), '7946'].some((v) =>
        decoded.includes(v),
      );
    });
    expect(leaking).toEqual([]);
    expect(problems).toEqual([]);
  });
});
