import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.ts';
import { auditCheckpointJob } from '../../src/jobs/audit-checkpoint-job.ts';
import { createScheduler, type Job } from '../../src/jobs/scheduler.ts';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { seedAuditChain } from '../audit/audit-fixture.ts';

describe.each(testDialects)('job scheduler on %s', (dialect) => {
  let t: TestDatabase;
  let second: Db;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    // A second application instance: its own connection(s) to the same database.
    second = openDatabase(t.postgresUrl ? { postgresUrl: t.postgresUrl, poolSize: 5 } : { sqliteFile: path.join(t.dataDir, 'custodian.db') });
  });
  afterAll(async () => {
    await second.close();
    await t.destroy();
  });

  it('runs a job once per period across two instances ticking concurrently', async () => {
    const clock = createFixedClock('2026-03-02T10:00:00.000Z');
    const runs: string[] = [];
    const job = (holder: string): Job => ({
      name: 'test.once-per-period',
      intervalMs: 60_000,
      run: async () => {
        runs.push(`${holder}@${clock.now().toISOString()}`);
        // Yield so the other instance's tick really interleaves with this run.
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    });
    const a = createScheduler({ db: t.db, clock, holderId: 'instance-a', jobs: [job('a')] });
    const b = createScheduler({ db: second, clock, holderId: 'instance-b', jobs: [job('b')] });
    const periods = 12;
    for (let step = 0; step < periods * 3; step++) {
      // Three ticks of each instance per period, all concurrent.
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      clock.advance(20_000);
    }
    expect(runs).toHaveLength(periods);
    const periodsRun = new Set(runs.map((r) => Math.floor(new Date(r.split('@')[1]!).getTime() / 60_000)));
    expect(periodsRun.size).toBe(periods);
    const recorded = await t.db.kysely.selectFrom('job_runs').selectAll().where('name', '=', 'test.once-per-period').execute();
    expect(recorded).toHaveLength(periods);
    expect(recorded.every((r) => r.outcome === 'succeeded' && r.finished_at !== null)).toBe(true);
    expect(new Set(recorded.map((r) => r.holder)).size).toBeGreaterThanOrEqual(1);
  });

  it('records a failed run with the error code only, and runs again next period', async () => {
    const clock = createFixedClock('2026-03-03T10:00:00.000Z');
    let calls = 0;
    const failing: Job = {
      name: 'test.failing',
      intervalMs: 10_000,
      run: async () => {
        calls++;
        throw new Error('secret value alice@example.test');
      },
    };
    const scheduler = createScheduler({ db: t.db, clock, holderId: 'instance-a', jobs: [failing], onError: () => undefined });
    expect(await scheduler.tick()).toEqual([{ name: 'test.failing', status: 'failed' }]);
    expect(await scheduler.tick()).toEqual([]);
    clock.advance(10_000);
    expect(await scheduler.tick()).toEqual([{ name: 'test.failing', status: 'failed' }]);
    expect(calls).toBe(2);
    const recorded = await t.db.kysely.selectFrom('job_runs').selectAll().where('name', '=', 'test.failing').execute();
    expect(recorded.map((r) => r.outcome)).toEqual(['failed', 'failed']);
    expect(recorded[0]!.details).toBe('{"error":"Error"}');
  });

  it('tells an instance that another holds the period', async () => {
    const clock = createFixedClock('2026-03-04T10:00:00.000Z');
    const job: Job = { name: 'test.held', intervalMs: 60_000, run: async () => undefined };
    const a = createScheduler({ db: t.db, clock, holderId: 'instance-a', jobs: [job] });
    const b = createScheduler({ db: second, clock, holderId: 'instance-b', jobs: [job] });
    expect(await a.tick()).toEqual([{ name: 'test.held', status: 'ran' }]);
    expect(await b.tick()).toEqual([{ name: 'test.held', status: 'leased-elsewhere' }]);
    const lease = await t.db.kysely.selectFrom('job_leases').selectAll().where('name', '=', 'test.held').executeTakeFirstOrThrow();
    expect(lease).toEqual({ name: 'test.held', holder: 'instance-a', expires_at: '2026-03-04T10:01:00.000Z' });
  });

  it('signs an audit checkpoint from the scheduled job only when a head moved', async () => {
    const chain = await seedAuditChain(t, 3);
    const job = auditCheckpointJob({ db: t.db, clock: chain.clock, checkpoints: chain.checkpoints });
    const scheduler = createScheduler({ db: t.db, clock: chain.clock, holderId: 'instance-a', jobs: [job] });
    const marks = () => chain.checkpoints.read({ workspaceId: chain.workspaceId }).byWorkspace.get(chain.workspaceId) ?? [];
    await scheduler.tick();
    expect(marks().map((m) => m.seq)).toEqual([3]);
    chain.clock.advance(60_000);
    await scheduler.tick();
    expect(marks().map((m) => m.seq)).toEqual([3]);
    await chain.append(2);
    chain.clock.advance(60_000);
    await scheduler.tick();
    expect(marks().map((m) => m.seq)).toEqual([3, 5]);
  });
});
