import { describe, expect, it } from 'vitest';
import { platformJobs } from '../../src/jobs/platform-jobs.ts';
import { requestRemindersJob } from '../../src/rights/requests/request-reminders-job.ts';
import { testDialects } from '../support/test-database.ts';
import {
  publicUrl,
  useChannelsTestApp,
  type ChannelsTestApp,
} from '../consent-channels/channels-test-app.ts';

type Json = Record<string, any>;

async function logRequest(c: ChannelsTestApp, payload: Json): Promise<Json> {
  const res = await c.app.inject({
    method: 'POST',
    url: '/api/v1/requests',
    headers: c.as.privacy_officer,
    payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe.each(testDialects)('request deadline reminders on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('emails the privacy officers 7 days and 2 days before the deadline and when overdue, once each, through SMTP', async () => {
    const c = ctx();
    const job = requestRemindersJob({
      db: c.t.db,
      clock: c.clock,
      mailer: c.services.mailer,
      requests: c.services.requests,
      publicUrl,
    });
    const r = await logRequest(c, {
      type: 'access',
      channel: 'phone',
      email: 'reminded-person@example.test',
      identityMethod: 'staff_callback',
      language: 'en',
    });
    const officer = await c.t.db.kysely
      .selectFrom('users')
      .innerJoin('roles', 'roles.id', 'users.role_id')
      .select('users.email')
      .where('roles.key', '=', 'privacy_officer')
      .executeTakeFirstOrThrow();
    const mailsFor = () =>
      c.mail.messages.filter((m) => m.to.includes(officer.email) && m.text.includes(r.reference));

    await job.run();
    expect(mailsFor()).toHaveLength(0);

    c.clock.set('2026-03-27T12:00:00.000Z'); // deadline 2026-04-02T23:59:59.999Z: 6.5 days left
    await job.run();
    await job.run();
    expect(mailsFor()).toHaveLength(1);
    expect(mailsFor()[0]?.text).toContain('due in 7 days or less');

    c.clock.set('2026-04-01T12:00:00.000Z');
    await job.run();
    await job.run();
    expect(mailsFor()).toHaveLength(2);
    expect(mailsFor()[1]?.text).toContain('due in 2 days or less');

    c.clock.set('2026-04-03T08:00:00.000Z');
    await job.run();
    c.clock.set('2026-04-10T08:00:00.000Z');
    await job.run();
    const all = mailsFor();
    expect(all).toHaveLength(3);
    expect(all[2]?.text).toContain('overdue');
    // The reminder names the request, never the person.
    for (const m of all) expect(m.text).not.toContain('reminded-person');

    const steps = await c.t.db.kysely
      .selectFrom('request_steps')
      .select('kind')
      .where('request_id', '=', r.id)
      .where('kind', '=', 'reminder')
      .execute();
    expect(steps).toHaveLength(3);
    const audit = await c.t.db.kysely
      .selectFrom('audit_log')
      .select('action')
      .where('resource_id', '=', r.id)
      .where('action', '=', 'request.step')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(3);
    c.clock.set('2026-03-02T10:00:00.000Z');
  });

  it('emails the assignee instead when there is one, and sends nothing for closed requests', async () => {
    const c = ctx();
    const job = requestRemindersJob({
      db: c.t.db,
      clock: c.clock,
      mailer: c.services.mailer,
      requests: c.services.requests,
      publicUrl,
    });
    const { insertTokenForRole } = await import('../support/owner-token.ts');
    const assignee = await insertTokenForRole(c.t.db.kysely, c.workspaceId, 'privacy_officer');
    const assigneeEmail = (
      await c.t.db.kysely
        .selectFrom('users')
        .select('email')
        .where('id', '=', assignee.userId)
        .executeTakeFirstOrThrow()
    ).email;
    const assigned = await logRequest(c, {
      type: 'erasure',
      channel: 'letter',
      identityMethod: 'staff_document_check',
      language: 'en',
      assigneeId: assignee.userId,
    });
    const closed = await logRequest(c, {
      type: 'access',
      channel: 'letter',
      identityMethod: 'staff_document_check',
      language: 'en',
    });
    const done = await c.app.inject({
      method: 'POST',
      url: `/api/v1/requests/${closed.id}/transitions`,
      headers: { ...c.as.privacy_officer, 'if-match': `"${closed.version}"` },
      payload: { to: 'completed' },
    });
    expect(done.statusCode).toBe(200);

    c.clock.set('2026-04-05T00:00:00.000Z'); // both overdue
    await job.run();
    const forAssigned = c.mail.messages.filter((m) => m.text.includes(assigned.reference));
    expect(forAssigned).toHaveLength(1);
    expect(forAssigned[0]?.to).toEqual([assigneeEmail]);
    expect(c.mail.messages.filter((m) => m.text.includes(closed.reference))).toHaveLength(0);
    c.clock.set('2026-03-02T10:00:00.000Z');
  });

  it('is one of the platform jobs (leased by the scheduler)', () => {
    const c = ctx();
    const names = platformJobs.map(
      (create) =>
        create({
          config: c.config,
          db: c.t.db,
          clock: c.clock,
          services: c.services,
          auditCheckpoints: {} as never,
        }).name,
    );
    expect(names).toContain('requests.reminders');
  });
});
