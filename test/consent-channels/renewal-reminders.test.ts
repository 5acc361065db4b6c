import { describe, expect, it } from 'vitest';
import { remindConsentRenewals } from '../../src/consent/records/consent-renewal-job.ts';
import { testDialects } from '../support/test-database.ts';
import { publicUrl, useChannelsTestApp } from './channels-test-app.ts';

describe.each(testDialects)('consent renewal reminders on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('reminds once, within 30 days of expiry, with the preference-centre and unsubscribe links', async () => {
    const c = ctx();
    const owner = { ...c.system, purpose: 'crm', role: { purposes: ['*'], dataCategories: ['*'] } };
    const person = await c.services.people.create(owner, { firstName: 'Lise', email: 'lise@example.org' });
    const notice = await c.services.notices.currentPublished(c.t.db.kysely, c.workspaceId, 'email_marketing');
    await c.services.consent.record(c.t.db.kysely, c.system, { personId: person.id, purpose: 'email_marketing', state: 'given', method: 'api', noticeVersionId: notice!.id, validFor: 'P40D' });
    const deps = { db: c.t.db, clock: c.clock, people: c.services.people, purposes: c.services.purposes, mail: c.services.consentChannels.mail };
    const before = c.mail.messages.length;
    expect(await remindConsentRenewals(deps)).toBe(0);
    c.clock.advance(15 * 86_400_000);
    try {
      expect(await remindConsentRenewals(deps)).toBe(1);
      const [message] = (await c.mail.waitFor(before + 1)).slice(before);
      expect(message!.to).toContain('lise@example.org');
      expect(message!.raw).toContain('expires soon');
      expect(message!.raw).toMatch(/List-Unsubscribe:\s+<https:\/\/crm\.example\.test\/u\//);
      expect(message!.raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(message!.text).toContain(`${publicUrl}/p/`);
      expect(message!.text).not.toContain('Lise');
      expect(await remindConsentRenewals(deps)).toBe(0);
    } finally {
      c.clock.set('2026-03-02T10:00:00.000Z');
    }
  });
});
