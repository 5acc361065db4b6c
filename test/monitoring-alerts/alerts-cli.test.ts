import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';

describe.each(testDialects)('custodian alerts on %s', (dialect) => {
  let t: TestDatabase;
  const ids = { high: randomUUID(), low: randomUUID(), other: randomUUID() };

  /** An alert row as the detector records it (src/monitoring/alerts/alert-store.ts). */
  const alertRow = (id: string, workspaceId: string, rule: string, severity: string, raisedAt: string) => ({
    id,
    workspace_id: workspaceId,
    rule,
    severity,
    status: 'open',
    group_key: `${rule}|user:${id}|${raisedAt}`,
    subject_type: 'user',
    subject_id: randomUUID(),
    summary: `${rule}: 120 operations in one hour (baseline 4)`,
    figures: JSON.stringify({ count: 120, mean: 4 }),
    evidence: JSON.stringify([11, 12, 13]),
    evidence_count: 3,
    hits: 1,
    window_start: raisedAt,
    window_end: raisedAt,
    first_seen_at: raisedAt,
    last_seen_at: raisedAt,
    raised_at: raisedAt,
    acknowledged_at: null,
    acknowledged_by: null,
    dismissed_at: null,
    dismissed_by: null,
    dismiss_reason: null,
    incident_id: null,
    version: 1,
    updated_at: raisedAt,
  });

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const deps = { db: t.db.kysely, clock: systemClock, seeders: workspaceSeeders };
    const first = await createWorkspace(deps, { name: 'CLI' });
    const second = await createWorkspace(deps, { name: 'Other' });
    await t.db.kysely
      .insertInto('alerts')
      .values([
        alertRow(ids.high, first, 'bulk_export', 'high', '2026-03-02T10:00:00.000Z'),
        alertRow(ids.low, first, 'out_of_hours', 'low', '2026-03-02T09:00:00.000Z'),
        alertRow(ids.other, second, 'bulk_read', 'critical', '2026-03-02T11:00:00.000Z'),
      ])
      .execute();
  });
  afterAll(async () => {
    await t.destroy();
  });

  const statusOf = async (id: string) =>
    await t.db.kysely.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('lists the active alerts of the first workspace, newest first, and filters them', async () => {
    const list = await runCli(t, ['alerts', 'list']);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toBe('RAISED AT\tSEVERITY\tSTATUS\tRULE\tHITS\tSUMMARY\tID');
    expect(lines.slice(1).map((l) => l.split('\t').at(-1))).toEqual([ids.high, ids.low]);
    expect(list.stdout).not.toContain(ids.other);
    const high = await runCli(t, ['alerts', 'list', '--severity', 'high', '--json']);
    expect(high.code, high.stderr).toBe(0);
    expect((JSON.parse(high.stdout) as { id: string }[]).map((a) => a.id)).toEqual([ids.high]);
    const limited = await runCli(t, ['alerts', 'list', '--limit', '1']);
    expect(limited.stdout).toContain('(more than 1');
    expect((await runCli(t, ['alerts', 'list', '--status', 'dismissed'])).stdout).toContain('No alerts.');
  });

  it('shows one alert with its figures and evidence', async () => {
    const res = await runCli(t, ['alerts', 'show', ids.high]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('Bulk export above normal volume');
    expect(res.stdout).toMatch(/Evidence\s+3 audit entries \(seq 11, 12, 13\)/);
    const json = await runCli(t, ['alerts', 'show', ids.high, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: ids.high, status: 'open', version: 1 });
  });

  it('acknowledges an alert, audited as the CLI, and refuses a second acknowledgement', async () => {
    const ack = await runCli(t, ['alerts', 'ack', ids.high]);
    expect(ack.code, ack.stderr).toBe(0);
    expect(ack.stdout).toContain(`Acknowledged ${ids.high}`);
    expect(await statusOf(ids.high)).toMatchObject({
      status: 'acknowledged',
      acknowledged_by: 'cli',
      version: 2,
    });
    const audit = await t.db.kysely
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id', 'resource_id'])
      .where('action', '=', 'alert.acknowledge')
      .execute();
    expect(audit).toEqual([{ actor_type: 'system', actor_id: 'cli', resource_id: ids.high }]);
    const again = await runCli(t, ['alerts', 'ack', ids.high]);
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('ALERT_CLOSED');
  });

  it('dismisses with a reason, and refuses a stale --if-version', async () => {
    const stale = await runCli(t, [
      'alerts',
      'dismiss',
      ids.high,
      '--reason',
      'Planned export',
      '--if-version',
      '1',
    ]);
    expect(stale.code).toBe(6);
    expect(stale.stderr).toContain('PRECONDITION_FAILED');
    expect((await statusOf(ids.high)).status).toBe('acknowledged');
    const res = await runCli(t, [
      'alerts',
      'dismiss',
      ids.high,
      '--reason',
      '  Planned export to the new CRM  ',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(await statusOf(ids.high)).toMatchObject({
      status: 'dismissed',
      dismissed_by: 'cli',
      dismiss_reason: 'Planned export to the new CRM',
    });
    expect((await runCli(t, ['alerts', 'list', '--status', 'dismissed'])).stdout).toContain(ids.high);
  });

  it('refuses bad input with a clear message and a non-zero exit, changing nothing', async () => {
    const before = await t.db.kysely.selectFrom('alerts').selectAll().orderBy('id').execute();
    const cases: { args: string[]; code: number; says: string }[] = [
      { args: ['alerts', 'list', '--status', 'closed'], code: 2, says: '--status is one of' },
      { args: ['alerts', 'list', '--severity', 'urgent'], code: 2, says: '--severity is one of' },
      { args: ['alerts', 'list', '--rule', 'nope'], code: 2, says: '--rule is one of' },
      { args: ['alerts', 'list', '--limit', '0'], code: 2, says: '--limit is 1 to 200' },
      { args: ['alerts', 'show', 'not-an-id'], code: 2, says: 'UUID' },
      { args: ['alerts', 'show', randomUUID()], code: 5, says: 'NOT_FOUND' },
      // Another workspace's alert is not found in this one.
      { args: ['alerts', 'ack', ids.other], code: 5, says: 'NOT_FOUND' },
      { args: ['alerts', 'ack', ids.low, '--workspace', 'nowhere'], code: 5, says: 'no such workspace' },
      { args: ['alerts', 'ack', ids.low, '--if-version', 'x'], code: 2, says: '--if-version' },
      { args: ['alerts', 'dismiss', ids.low], code: 2, says: '--reason' },
      { args: ['alerts', 'dismiss', ids.low, '--reason', '   '], code: 2, says: '--reason is 1 to 1000' },
      {
        args: ['alerts', 'dismiss', ids.low, '--reason', 'x'.repeat(1001)],
        code: 2,
        says: '--reason is 1 to 1000',
      },
      { args: ['alerts', 'dismiss', ids.high, '--reason', 'again'], code: 6, says: 'ALERT_CLOSED' },
    ];
    for (const c of cases) {
      const res = await runCli(t, c.args);
      expect(res.code, c.args.join(' ')).toBe(c.code);
      expect(res.stderr, c.args.join(' ')).toContain(c.says);
    }
    expect(await t.db.kysely.selectFrom('alerts').selectAll().orderBy('id').execute()).toEqual(before);
  });
});
