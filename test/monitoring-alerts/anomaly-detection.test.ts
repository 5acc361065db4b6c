import { describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/kernel/audit/audit-log.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { testDialects } from '../support/test-database.ts';
import { useAlertsTestApp, type AlertsTestApp } from './alerts-test-app.ts';

type Headers = Record<string, string>;

async function alertsOf(c: AlertsTestApp, rule?: string) {
  const res = await c.app.inject({
    method: 'GET',
    url: `/api/v1/alerts${rule ? `?rule=${rule}` : ''}`,
    headers: c.as.privacy_officer,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as {
    id: string;
    rule: string;
    severity: string;
    status: string;
    subjectType: string;
    subjectId: string | null;
    hits: number;
    evidence: { seqs: number[]; count: number };
    figures: Record<string, unknown>;
    version: number;
    summary: string;
  }[];
}

async function exportPeople(
  c: AlertsTestApp,
  filters: Record<string, unknown> = {},
  headers: Headers = c.as.owner,
) {
  const res = await c.app.inject({
    method: 'POST',
    url: '/api/v1/exports',
    headers,
    payload: { entity: 'person', format: 'json', purpose: 'crm', filters },
  });
  expect(res.statusCode, res.body).toBe(200);
  return Number(res.headers['custodian-export-count']);
}

async function lastSeq(c: AlertsTestApp, action: string): Promise<number> {
  const row = await c.t.db.kysely
    .selectFrom('audit_log')
    .select('seq')
    .where('workspace_id', '=', c.workspaceId)
    .where('action', '=', action)
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

describe.each(testDialects)('anomaly detection and alerts on %s', (dialect) => {
  const ctx = useAlertsTestApp(dialect);

  it('refuses malformed rules naming each field, keeps the stored rules, and accepts a valid change with If-Match', async () => {
    const c = ctx();
    const put = (payload: unknown, headers: Headers = { ...c.as.privacy_officer, 'if-match': '"0"' }) =>
      c.app.inject({
        method: 'PUT',
        url: '/api/v1/alert-rules',
        headers,
        payload: payload as Record<string, unknown>,
      });
    const bad = await put({
      timezone: 'Mars/Olympus_Mons',
      notifyRoles: ['nobody'],
      workingHours: { start: '25:00', end: '18:00', days: [1, 8] },
      rules: { bulk_export: { minimum: -5, deviations: 0 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const paths = (bad.json().errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(
      [
        '/notifyRoles/0',
        '/rules/bulk_export/deviations',
        '/rules/bulk_export/minimum',
        '/timezone',
        '/workingHours/days',
        '/workingHours/start',
      ].sort(),
    );
    const unknownRule = await put({ rules: { mind_reading: { enabled: true } } });
    expect(unknownRule.statusCode).toBe(400);
    expect(JSON.stringify(unknownRule.json().errors)).toContain('mind_reading');
    const wrongSetting = await put({ rules: { out_of_hours: { threshold: 3 } } });
    expect(wrongSetting.statusCode).toBe(400);
    expect(wrongSetting.json().errors[0].path).toBe('/rules/out_of_hours/threshold');
    expect((await put({ rules: {} }, c.as.privacy_officer)).statusCode).toBe(428);
    expect((await put({ rules: {} }, { ...c.as.sales, 'if-match': '"0"' })).statusCode).toBe(403);
    const still = await c.app.inject({
      method: 'GET',
      url: '/api/v1/alert-rules',
      headers: c.as.privacy_officer,
    });
    expect(still.json()).toMatchObject({
      version: 0,
      timezone: 'UTC',
      rules: { bulk_export: { minimum: 500 } },
    });
    expect(await c.t.db.kysely.selectFrom('alert_rule_sets').selectAll().execute()).toHaveLength(0);

    // A webhook subscribed to alerts (the privacy-event hub enqueues a delivery per alert raised).
    const hook = await c.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: c.as.privacy_officer,
      payload: { url: 'https://hooks.example.test/custodian', eventTypes: ['alert.raised'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);

    // Small thresholds for a small test workspace.
    const ok = await put({
      timezone: 'Europe/Paris',
      workingHours: { start: '08:00', end: '19:00', days: [1, 2, 3, 4, 5] },
      notifyRoles: ['owner', 'privacy_officer'],
      rules: {
        bulk_export: { minimum: 10 },
        bulk_read: { minimum: 1000 },
        workspace_volume_spike: { minimum: 45 },
      },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe('"1"');
    expect(ok.json().rules.bulk_export).toMatchObject({
      enabled: true,
      minimum: 10,
      deviations: 3,
      baselineDays: 14,
    });
    const audit = await c.t.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'alert.rules.update')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({
      version: 1,
      changedRules: ['bulk_export', 'bulk_read', 'workspace_volume_spike'],
      timezoneChanged: true,
    });
    expect((await put({ rules: {} }, { ...c.as.privacy_officer, 'if-match': '"0"' })).statusCode).toBe(412);
  });

  it('a user exporting far more than usual at night raises a bulk-export alert with evidence, an event and emails; daytime exports do not', async () => {
    const c = ctx();
    for (let i = 0; i < 40; i++) {
      const res = await c.app.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers: c.as.owner,
        payload: {
          firstName: `P${i}`,
          email: `p${i}@example.org`,
          lifecycleStage: i < 4 ? 'customer' : 'lead',
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    // A week of normal work: every weekday at 11:00 Paris time the owner exports the four customers.
    for (let day = 0; day < 5; day++) {
      c.clock.set(new Date(Date.UTC(2026, 2, 2 + day, 10, 0, 0)));
      expect(await exportPeople(c, { lifecycleStage: 'customer' })).toBe(4);
      const run = await c.detector.runOnce();
      expect(run.held).toBe(true);
    }
    expect(await alertsOf(c)).toEqual([]);
    expect(c.mail.messages).toHaveLength(0);

    // Friday 23:30 in Paris: everyone.
    c.clock.set('2026-03-06T22:30:00.000Z');
    expect(await exportPeople(c)).toBe(40);
    const exportSeq = await lastSeq(c, 'processing.export');
    const run = await c.detector.runOnce();
    expect(run).toMatchObject({ held: true, raised: 2 });
    const [bulk] = await alertsOf(c, 'bulk_export');
    expect(bulk).toMatchObject({
      rule: 'bulk_export',
      severity: 'high',
      status: 'open',
      subjectType: 'token',
      subjectId: c.ids.owner.tokenId,
      hits: 1,
    });
    expect(bulk!.evidence.seqs).toContain(exportSeq);
    expect(bulk!.figures).toMatchObject({ count: 40, threshold: 10, baselineMean: 4, baselineHours: 5 });
    const [night] = await alertsOf(c, 'out_of_hours');
    expect(night).toMatchObject({ severity: 'medium', subjectId: c.ids.owner.tokenId });
    expect(night!.evidence.seqs).toEqual([exportSeq]);
    expect(await alertsOf(c, 'workspace_volume_spike')).toEqual([]); // 40 is under the workspace's 45

    const deliveries = await c.t.db.kysely
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('event_type', '=', 'alert.raised')
      .execute();
    expect(deliveries).toHaveLength(2);
    expect(deliveries.map((d) => d.payload).join()).toContain(bulk!.id);
    expect(deliveries.map((d) => d.payload).join()).not.toMatch(/@example/);
    const raised = c.events.filter((e) => e.type === 'alert.raised');
    expect(raised.map((e) => e.data.rule).sort()).toEqual(['bulk_export', 'out_of_hours']);
    const audit = await c.t.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'alert.raise')
      .execute();
    expect(audit.map((a) => a.resource_id).sort()).toEqual([bulk!.id, night!.id].sort());

    // Two alerts, each to the owner and the privacy officer (two users each: first-start owner and the test's).
    const notified = await c.t.db.kysely
      .selectFrom('users')
      .innerJoin('roles', 'roles.id', 'users.role_id')
      .select('users.email')
      .where('roles.key', 'in', ['owner', 'privacy_officer'])
      .execute();
    const messages = await c.mail.waitFor(2 * notified.length);
    const bulkMail = messages.find((m) => m.text.includes('Bulk export above normal volume'));
    expect(bulkMail?.text).toContain(`https://crm.example.test/alerts/${bulk!.id}`);
    for (const m of messages) expect(m.text).not.toMatch(/p\d+@example\.org/);
    const notify = await c.t.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'alert.notify')
      .execute();
    expect(notify).toHaveLength(2);
    expect(JSON.parse(notify[0]!.details)).toMatchObject({
      recipients: notified.length,
      delivered: notified.length,
      failed: 0,
    });
  });

  it('groups a flood: more exports in the same hour count as repeats of the open alerts, not new ones', async () => {
    const c = ctx();
    const mailsBefore = c.mail.messages.length;
    const bulkMails = () =>
      c.mail.messages.filter((m) => m.text.includes('Bulk export above normal volume')).length;
    const bulkMailsBefore = bulkMails();
    c.clock.set('2026-03-06T22:40:00.000Z');
    await exportPeople(c);
    c.clock.set('2026-03-06T22:45:00.000Z');
    await exportPeople(c);
    const run = await c.detector.runOnce();
    expect(run.grouped).toBeGreaterThanOrEqual(2);
    const bulk = await alertsOf(c, 'bulk_export');
    expect(bulk).toHaveLength(1);
    expect(bulk[0]).toMatchObject({ hits: 3, evidence: { count: 3 } });
    expect(bulk[0]!.figures).toMatchObject({ count: 120 });
    const night = await alertsOf(c, 'out_of_hours');
    expect(night).toHaveLength(1);
    expect(night[0]!.hits).toBe(3);
    // The workspace's volume (40 + 40 + 40 in one hour) now passes its threshold of 45: one spike alert.
    const spike = await alertsOf(c, 'workspace_volume_spike');
    expect(spike).toHaveLength(1);
    expect(spike[0]).toMatchObject({ subjectType: 'workspace', subjectId: null, severity: 'high' });
    await c.mail.waitFor(mailsBefore + 1);
    expect(bulkMails()).toBe(bulkMailsBefore);
    expect(c.events.filter((e) => e.type === 'alert.raised' && e.data.rule === 'bulk_export')).toHaveLength(
      1,
    );
  });

  it('fires on a burst of failed sign-ins per account and per address, and not under the threshold', async () => {
    const c = ctx();
    c.clock.set('2026-03-09T09:00:00.000Z');
    const signIn = (email: string, remoteAddress: string) =>
      c.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        remoteAddress,
        payload: { email, password: 'wrong password here' },
      });
    // Four failures on the first-start owner: under the account threshold of five.
    for (let i = 0; i < 4; i++)
      expect((await signIn('owner@example.test', '203.0.113.9')).statusCode).toBe(401);
    await c.detector.runOnce();
    expect(await alertsOf(c, 'failed_sign_ins_account')).toEqual([]);
    expect((await signIn('owner@example.test', '203.0.113.9')).statusCode).toBe(401);
    await c.detector.runOnce();
    const [account] = await alertsOf(c, 'failed_sign_ins_account');
    const owner = await c.t.db.kysely
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'owner@example.test')
      .executeTakeFirstOrThrow();
    expect(account).toMatchObject({ subjectType: 'account', subjectId: owner.id, evidence: { count: 5 } });
    expect(await alertsOf(c, 'failed_sign_ins_address')).toEqual([]);

    // Ten unknown accounts tried from one address: the address rule (threshold 10) fires, named by a digest.
    for (let i = 0; i < 5; i++) await signIn(`nobody${i}@example.net`, '198.51.100.23');
    await c.detector.runOnce();
    expect(await alertsOf(c, 'failed_sign_ins_address')).toEqual([]);
    for (let i = 5; i < 10; i++) await signIn(`nobody${i}@example.net`, '198.51.100.23');
    await c.detector.runOnce();
    const [address] = await alertsOf(c, 'failed_sign_ins_address');
    expect(address).toMatchObject({ subjectType: 'address', evidence: { count: 10 } });
    expect(address!.subjectId).toMatch(/^[0-9a-f]{32}$/);
    const stored = JSON.stringify(await c.t.db.kysely.selectFrom('alerts').selectAll().execute());
    expect(stored).not.toContain('198.51.100.23');
    expect(stored).not.toContain('nobody');
  });

  it('fires when a user is given a role with more permissions, not when demoted to a narrower one', async () => {
    const c = ctx();
    const patch = (roleKey: string) =>
      c.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${c.ids.sales.userId}`,
        headers: c.as.owner,
        payload: { roleKey },
      });
    expect((await patch('admin')).statusCode).toBe(200);
    await c.detector.runOnce();
    const [up] = await alertsOf(c, 'privilege_escalation');
    expect(up).toMatchObject({ subjectType: 'user', subjectId: c.ids.sales.userId, severity: 'high' });
    expect(up!.figures).toMatchObject({ role: 'admin', previousRole: 'sales' });
    expect((up!.figures.addedPermissions as string[]).length).toBeGreaterThan(0);
    expect((await patch('auditor')).statusCode).toBe(200);
    await c.detector.runOnce();
    expect(await alertsOf(c, 'privilege_escalation')).toHaveLength(1);
    expect((await alertsOf(c, 'privilege_escalation'))[0]!.hits).toBe(1);
  });

  it('fires when an API token is used from a new address (its first address is learnt silently)', async () => {
    const c = ctx();
    const person = await c.t.db.kysely
      .selectFrom('persons')
      .select('id')
      .where('workspace_id', '=', c.workspaceId)
      .executeTakeFirstOrThrow();
    const integration = await insertTokenForRole(c.t.db.kysely, c.workspaceId, 'privacy_officer');
    const read = (remoteAddress: string) =>
      c.app.inject({
        method: 'GET',
        url: `/api/v1/people/${person.id}`,
        headers: { authorization: `Bearer ${integration.token}`, 'custodian-purpose': 'crm' },
        remoteAddress,
      });
    expect((await read('192.0.2.10')).statusCode).toBe(200);
    expect((await read('192.0.2.10')).statusCode).toBe(200);
    await c.detector.runOnce();
    expect(await alertsOf(c, 'token_new_address')).toEqual([]);
    expect((await read('192.0.2.77')).statusCode).toBe(200);
    await c.detector.runOnce();
    const [fresh] = await alertsOf(c, 'token_new_address');
    expect(fresh).toMatchObject({ subjectType: 'token', subjectId: integration.tokenId });
    expect(JSON.stringify(fresh)).not.toContain('192.0.2.77');
  });

  it('fires on access to special-category data, not on ordinary categories', async () => {
    const c = ctx();
    const entry = (categories: string[]) =>
      c.t.db.kysely.transaction().execute((trx) =>
        appendAudit(
          trx,
          { dialect: c.t.db.dialect, clock: c.clock },
          {
            workspaceId: c.workspaceId,
            actor: { type: 'user', id: c.ids.privacy_officer.userId },
            action: 'processing.read',
            outcome: 'allowed',
            resourceType: 'person',
            purpose: 'crm',
            details: { operation: 'read', categories, count: 1 },
          },
        ),
      );
    await entry(['user.contact.email']);
    await c.detector.runOnce();
    expect(await alertsOf(c, 'special_category_access')).toEqual([]);
    const { seq } = await entry(['user.contact.email', 'user.biometrics.fingerprint']);
    await c.detector.runOnce();
    const [special] = await alertsOf(c, 'special_category_access');
    expect(special).toMatchObject({
      subjectType: 'user',
      subjectId: c.ids.privacy_officer.userId,
      evidence: { seqs: [seq] },
    });
    expect(special!.figures).toMatchObject({ categories: ['user.biometrics.fingerprint'] });
  });

  it('acknowledges, refuses a dismissal without a reason, dismisses with one, and closed alerts stay closed', async () => {
    const c = ctx();
    const [alert] = await alertsOf(c, 'out_of_hours');
    const post = (path: string, version: number | null, payload?: unknown) =>
      c.app.inject({
        method: 'POST',
        url: `/api/v1/alerts/${alert!.id}/${path}`,
        headers: { ...c.as.privacy_officer, ...(version === null ? {} : { 'if-match': `"${version}"` }) },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
    expect((await post('acknowledge', null)).statusCode).toBe(428);
    expect((await post('acknowledge', 9)).statusCode).toBe(412);
    const ack = await post('acknowledge', alert!.version);
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({
      status: 'acknowledged',
      version: 2,
      acknowledgedBy: c.ids.privacy_officer.tokenId,
    });
    expect((await post('acknowledge', 2)).json().code).toBe('ALERT_CLOSED');
    const noReason = await post('dismiss', 2, {});
    expect(noReason.statusCode).toBe(400);
    const blank = await post('dismiss', 2, { reason: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors).toEqual([{ path: '/reason', message: 'is required' }]);
    expect(
      (
        await c.app.inject({
          method: 'GET',
          url: `/api/v1/alerts/${alert!.id}`,
          headers: c.as.privacy_officer,
        })
      ).json(),
    ).toMatchObject({ status: 'acknowledged', version: 2 });
    const reason = 'Planned year-end export agreed with the DPO';
    const dismissed = await post('dismiss', 2, { reason });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect(dismissed.json()).toMatchObject({ status: 'dismissed', dismissReason: reason, version: 3 });
    const again = await post('dismiss', 3, { reason });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ALERT_CLOSED');
    const audit = await c.t.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('resource_id', '=', alert!.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'alert.raise',
      'alert.notify',
      'alert.acknowledge',
      'alert.dismiss',
    ]);
    expect(audit[3]!.details).not.toContain('year-end');
  });

  it('turns an alert into an incident of the register, once', async () => {
    const c = ctx();
    const [bulk] = await alertsOf(c, 'bulk_export');
    const res = await c.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${bulk!.id}/incident`,
      headers: { ...c.as.privacy_officer, 'if-match': `"${bulk!.version}"` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { incidentId, alert } = res.json();
    expect(incidentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(alert).toMatchObject({ status: 'incident', incidentId });
    const again = await c.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${bulk!.id}/incident`,
      headers: { ...c.as.privacy_officer, 'if-match': `"${alert.version}"` },
    });
    expect(again.statusCode).toBe(409);
    const audit = await c.t.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'alert.to_incident')
      .execute();
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ incidentId });
  });

  it('answers bad input with problems: unknown or malformed ids, bad cursors and filters, missing permission', async () => {
    const c = ctx();
    const get = (url: string, headers: Headers = c.as.privacy_officer) =>
      c.app.inject({ method: 'GET', url, headers });
    expect((await get('/api/v1/alerts/not-a-uuid')).statusCode).toBe(400);
    expect((await get('/api/v1/alerts/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('/api/v1/alerts?cursor=bm9wZQ')).statusCode).toBe(400);
    expect((await get('/api/v1/alerts?status=burning')).statusCode).toBe(400);
    const marketing = await insertTokenForRole(c.t.db.kysely, c.workspaceId, 'marketing');
    expect((await get('/api/v1/alerts', { authorization: `Bearer ${marketing.token}` })).statusCode).toBe(
      403,
    );
    const page = await get('/api/v1/alerts?limit=2');
    expect(page.json().items).toHaveLength(2);
    const next = await get(`/api/v1/alerts?limit=2&cursor=${page.json().nextCursor}`);
    expect(next.json().items[0].id).not.toBe(page.json().items[1].id);
    const summary = await get('/api/v1/alerts/summary');
    expect(summary.statusCode).toBe(200);
    expect(summary.json().open + summary.json().acknowledged).toBeGreaterThan(0);
  });

  it('only one detector holds the lease; another takes over once it lapses', async () => {
    const c = ctx();
    c.clock.advance(60_000); // the test detector's lease (30 s) has lapsed
    const a = c.services.alerts.detector('process-a');
    const b = c.services.alerts.detector('process-b');
    expect((await a.runOnce()).held).toBe(true);
    expect((await b.runOnce()).held).toBe(false);
    c.clock.advance(10_000);
    expect((await a.runOnce()).held).toBe(true);
    expect((await b.runOnce()).held).toBe(false);
    c.clock.advance(31_000);
    expect((await b.runOnce()).held).toBe(true);
    expect((await a.runOnce()).held).toBe(false);
    await b.stop(); // gives the lease up at once
    expect((await a.runOnce()).held).toBe(true);
    await a.stop();
  });
});
