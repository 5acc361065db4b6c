import { describe, expect, it } from 'vitest';
import { createTokenSigner } from '../../src/consent/double-opt-in/signed-token.ts';
import { testDialects } from '../support/test-database.ts';
import {
  createNewsletterForm,
  gateAllowsMarketing,
  linkToken,
  mailTo,
  mailHeader,
  marketingState,
  personByEmail,
  publicUrl,
  recordedCounts,
  submitFromShop,
  useChannelsTestApp,
} from './channels-test-app.ts';

describe.each(testDialects)('double opt-in, one-click unsubscribe and the preference centre on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('gives consent only on a confirming POST; emails carry RFC 8058 headers; a receipt follows; replays do nothing', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    const res = await submitFromShop(c, id, { email: 'ada@example.org', firstName: 'Ada', purposes: ['email_marketing'] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'received', confirmationRequired: true });
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example.test');
    const personId = await personByEmail(c, 'ada@example.org');
    expect(personId).toBeDefined();
    expect(await marketingState(c, personId!)).toBe('requested');
    expect(await gateAllowsMarketing(c, personId!)).toBe(false);

    const confirmation = await mailTo(c, 'ada@example.org');
    expect(confirmation.to).toEqual(['ada@example.org']);
    const unsubscribeToken = linkToken(confirmation, 'u');
    expect(mailHeader(confirmation, 'List-Unsubscribe')).toBe(`<${publicUrl}/u/${unsubscribeToken}>`);
    expect(mailHeader(confirmation, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(unsubscribeToken).not.toContain(personId!);
    const token = linkToken(confirmation, 'c');

    // A mail scanner following the link confirms nothing.
    const page = await c.app.inject({ method: 'GET', url: `/c/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post"');
    expect(await marketingState(c, personId!)).toBe('requested');

    const confirmed = await c.app.inject({ method: 'POST', url: `/c/${token}`, remoteAddress: '203.0.113.9', headers: { 'user-agent': 'Mozilla/5.0 test' } });
    expect(confirmed.statusCode).toBe(200);
    expect(await marketingState(c, personId!)).toBe('given');
    expect(await gateAllowsMarketing(c, personId!)).toBe(true);
    const records = await c.services.consent.recordsOf(c.t.db.kysely, c.system, personId!);
    const given = records.find((r) => r.purpose === 'email_marketing')!.events.find((e) => e.state === 'given')!;
    expect(given.method).toBe('email_confirmation');
    expect(given.evidence).toMatchObject({ formId: id, formVersion: 1, ip: '203.0.113.0' });
    expect(given.evidence.confirmationTokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(given.evidence)).not.toContain(token);
    const requested = records.find((r) => r.purpose === 'email_marketing')!.events.find((e) => e.state === 'requested')!;
    expect(requested.evidence).toMatchObject({ pageUrl: 'https://shop.example.test/news', formVersion: 1 });
    expect(requested.evidence.textDigest).toMatch(/^[0-9a-f]{64}$/);

    const receipt = await mailTo(c, 'ada@example.org', 2);
    expect(receipt.raw).toContain('consent-receipt-email_marketing.jws');
    expect(mailHeader(receipt, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');

    const before = await recordedCounts(c);
    const replay = await c.app.inject({ method: 'POST', url: `/c/${token}` });
    expect(replay.statusCode).toBe(409);
    expect(replay.body).toContain('already used');
    expect(await recordedCounts(c)).toEqual(before);
  });

  it('unsubscribing from the confirmation email cancels its Confirm link', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    await submitFromShop(c, id, { email: 'changed.mind@example.org', purposes: ['email_marketing'] }, {}, '203.0.113.41');
    const personId = (await personByEmail(c, 'changed.mind@example.org'))!;
    const confirmation = await mailTo(c, 'changed.mind@example.org');
    const unsubscribed = await c.app.inject({ method: 'POST', url: `/u/${linkToken(confirmation, 'u')}`, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(unsubscribed.statusCode).toBe(200);
    expect(await marketingState(c, personId)).toBe('withdrawn');
    const late = await c.app.inject({ method: 'POST', url: `/c/${linkToken(confirmation, 'c')}` });
    expect(late.statusCode).toBe(409);
    expect(await marketingState(c, personId)).toBe('withdrawn');
    expect(await gateAllowsMarketing(c, personId)).toBe(false);
  });

  it('refuses forged and expired confirmation tokens plainly and changes nothing', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    await submitFromShop(c, id, { email: 'late@example.org', purposes: ['email_marketing'] }, {}, '203.0.113.20');
    const mail = await mailTo(c, 'late@example.org');
    const token = linkToken(mail, 'c');
    const forgedSigner = createTokenSigner(Buffer.alloc(32, 7), 'double-opt-in');
    const claims = createTokenSigner(c.services.keyFiles.serverSecret, 'double-opt-in').verify(token)!;
    const forged = forgedSigner.sign(claims);
    const before = await recordedCounts(c);
    for (const bad of [forged, `${token.slice(0, -2)}AA`, 'garbage']) {
      const res = await c.app.inject({ method: 'POST', url: `/c/${bad}` });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('not valid');
    }
    c.clock.advance(49 * 3600_000);
    const expired = await c.app.inject({ method: 'POST', url: `/c/${token}` });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expired');
    expect(await recordedCounts(c)).toEqual(before);
    const personId = await personByEmail(c, 'late@example.org');
    expect(await marketingState(c, personId!)).toBe('requested');
  });

  it('one-click unsubscribe: GET changes nothing, the POST withdraws at once; the preference centre shows it and gives it back', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c, { doubleOptIn: false });
    const res = await submitFromShop(c, id, { email: 'grace@example.org', purposes: ['email_marketing'] }, {}, '203.0.113.30');
    expect(res.json().confirmationRequired).toBe(false);
    const personId = (await personByEmail(c, 'grace@example.org'))!;
    expect(await gateAllowsMarketing(c, personId)).toBe(true);
    const receipt = await mailTo(c, 'grace@example.org');
    const token = linkToken(receipt, 'u');

    const look = await c.app.inject({ method: 'GET', url: `/u/${token}` });
    expect(look.statusCode).toBe(200);
    expect(await gateAllowsMarketing(c, personId)).toBe(true);

    // RFC 8058 asks mail clients for multipart/form-data (the browser test posts the urlencoded form).
    const multipart = '--b1\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b1--\r\n';
    const oneClick = await c.app.inject({ method: 'POST', url: `/u/${token}`, headers: { 'content-type': 'multipart/form-data; boundary=b1' }, payload: multipart });
    expect(oneClick.statusCode).toBe(200);
    expect(await marketingState(c, personId)).toBe('withdrawn');
    expect(await gateAllowsMarketing(c, personId)).toBe(false);
    const records = await c.services.consent.recordsOf(c.t.db.kysely, c.system, personId);
    expect(records[0]!.events.some((e) => e.state === 'withdrawn' && e.method === 'unsubscribe_link')).toBe(true);

    const centre = await c.app.inject({ method: 'GET', url: `/p/${token}` });
    expect(centre.statusCode).toBe(200);
    expect(centre.body).toContain('Newsletter privacy notice');
    expect(centre.body).toMatch(/withdrawn<\/td><td>unsubscribe link/);
    expect(centre.body).not.toContain('value="email_marketing" checked');

    const back = await c.app.inject({ method: 'POST', url: `/p/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'purposes=email_marketing' });
    expect(back.statusCode).toBe(200);
    expect(await gateAllowsMarketing(c, personId)).toBe(true);
    const again = await c.services.consent.recordsOf(c.t.db.kysely, c.system, personId);
    expect(again[0]!.events.some((e) => e.state === 'given' && e.method === 'preference_centre')).toBe(true);

    const forged = await c.app.inject({ method: 'POST', url: `/u/${token.slice(0, -3)}xyz` });
    expect(forged.statusCode).toBe(400);
    expect(await gateAllowsMarketing(c, personId)).toBe(true);
  });

  it('a re-submission by anyone does not suspend a consent already given', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c, { doubleOptIn: false });
    await submitFromShop(c, id, { email: 'kept@example.org', purposes: ['email_marketing'] }, {}, '203.0.113.40');
    const other = await createNewsletterForm(c);
    await submitFromShop(c, other, { email: 'kept@example.org', purposes: ['email_marketing'] }, {}, '203.0.113.41');
    const personId = (await personByEmail(c, 'kept@example.org'))!;
    expect(await marketingState(c, personId)).toBe('given');
  });

  it('erasing the person kills their links', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c, { doubleOptIn: false });
    await submitFromShop(c, id, { email: 'erase@example.org', purposes: ['email_marketing'] }, {}, '203.0.113.50');
    const mail = await mailTo(c, 'erase@example.org');
    const token = linkToken(mail, 'u');
    const personId = (await personByEmail(c, 'erase@example.org'))!;
    await c.services.people.erase({ ...c.system, purpose: 'crm', role: { purposes: ['*'], dataCategories: ['*'] } }, personId);
    const after = await c.app.inject({ method: 'GET', url: `/p/${token}` });
    expect(after.statusCode).toBe(400);
    expect(after.body).not.toContain('erase@example.org');
  });

  it('Sec-GPC: 1 on the preference centre applies Global Privacy Control to the person, for the purposes flagged', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c, { doubleOptIn: false });
    await submitFromShop(c, id, { email: 'gpc@example.org', purposes: ['email_marketing'] }, {}, '203.0.113.60');
    const token = linkToken(await mailTo(c, 'gpc@example.org'), 'u');
    const personId = (await personByEmail(c, 'gpc@example.org'))!;
    const db = c.t.db.kysely;
    const setting = db.updateTable('settings').where('workspace_id', '=', c.workspaceId).where('key', '=', 'consent.gpcPurposes');
    const saved = await db.selectFrom('settings').select('value').where('workspace_id', '=', c.workspaceId).where('key', '=', 'consent.gpcPurposes').executeTakeFirstOrThrow();
    await setting.set({ value: '["email_marketing"]' }).execute();
    try {
      const plain = await c.app.inject({ method: 'GET', url: `/p/${token}` });
      expect(plain.statusCode).toBe(200);
      expect(await gateAllowsMarketing(c, personId)).toBe(true);
      const signalled = await c.app.inject({ method: 'GET', url: `/p/${token}`, headers: { 'sec-gpc': '1' } });
      expect(signalled.statusCode).toBe(200);
      expect(await gateAllowsMarketing(c, personId)).toBe(false);
      const records = await c.services.consent.recordsOf(db, c.system, personId);
      expect(records[0]!.events.some((e) => e.method === 'gpc_signal' && e.state === 'withdrawn')).toBe(true);
      expect(signalled.body).toMatch(/withdrawn<\/td><td>gpc signal/);
    } finally {
      await setting.set({ value: saved.value }).execute();
    }
  });

  it('sends one confirmation email per person per quarter hour, so the form cannot flood an inbox', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    for (const ip of ['203.0.113.70', '203.0.113.71', '203.0.113.72']) {
      expect((await submitFromShop(c, id, { email: 'target@example.org', purposes: ['email_marketing'] }, {}, ip)).statusCode).toBe(200);
    }
    await mailTo(c, 'target@example.org');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.mail.messages.filter((m) => m.to.includes('target@example.org'))).toHaveLength(1);
    c.clock.advance(16 * 60_000);
    await submitFromShop(c, id, { email: 'target@example.org', purposes: ['email_marketing'] }, {}, '203.0.113.73');
    await mailTo(c, 'target@example.org', 2);
  });
});
