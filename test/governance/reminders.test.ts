import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { governanceRemindersJob } from '../../src/governance/organisation/governance-reminders-job.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { completeUsProcessor, send } from './governance-test-support.ts';

/** The messages of a file outbox, oldest first. */
function outboxMessages(dir: string): string[] {
  const outbox = path.join(dir, 'outbox');
  if (!fs.existsSync(outbox)) return [];
  return fs
    .readdirSync(outbox)
    .sort()
    .map((f) => fs.readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, ''));
}

describe.each(testDialects)('governance reminders on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('emails privacy officers the items due within 30 days, each once per due date', async () => {
    const { app, as, t, clock, config, services } = ctx();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gov-reminders-'));
    try {
      const mailer = createMailer({ ...config, smtpUrl: undefined, dataDir: dir });
      const job = governanceRemindersJob({ db: t.db, clock, mailer, governance: services.governance });
      // Nothing recorded yet: nothing sent.
      await job.run();
      expect(outboxMessages(dir)).toHaveLength(0);

      clock.set('2026-08-10T08:00:00.000Z');
      const created = await send(app, as.privacy_officer, 'POST', '/api/v1/governance/processors', {
        ...completeUsProcessor,
        countries: ['DE'],
        reviewOn: '2026-09-01',
        agreement: { ...completeUsProcessor.agreement, expiresOn: '2026-12-31' },
      });
      expect(created.statusCode, created.body).toBe(201);
      await job.run();
      const first = outboxMessages(dir);
      // One privacy officer user exists (the test token's user).
      expect(first).toHaveLength(1);
      expect(first[0]).toContain('Review of Mailer Inc');
      expect(first[0]).toContain('2026-09-01');
      expect(first[0]).not.toContain('Agreement with Mailer Inc expires');

      // Run again the same day: nothing new.
      await job.run();
      expect(outboxMessages(dir)).toHaveLength(1);

      // Later the agreement expiry enters the window and the review is overdue (already reminded for that date).
      clock.set('2026-12-15T08:00:00.000Z');
      await job.run();
      const all = outboxMessages(dir);
      expect(all).toHaveLength(2);
      expect(all[1]).toContain('Agreement with Mailer Inc expires');
      expect(all[1]).not.toContain('Review of Mailer Inc');
      mailer.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the due items for the home widget, overdue first', async () => {
    const { app, as } = ctx();
    const items = (await send(app, as.auditor, 'GET', '/api/v1/governance/due')).json().items;
    expect(items[0]).toMatchObject({ kind: 'processor_review', overdue: true, dueOn: '2026-09-01' });
    expect(items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'agreement_expiry', overdue: false, dueOn: '2026-12-31' })]));
  });
});
