/**
 * Activities, tasks and timelines (standalone): `npx tsx bench/timeline.bench.ts` (SQLite) or `BENCH_DIALECT=postgres`.
 *
 * 1. Log activities about a person through the API (inject: auth, gate, encryption under the person's key, audit).
 * 2. The person's timeline, first page and a page deep in the history (30 entries, every source merged, one gate
 *    check per page): p50 and p95.
 * 3. "My tasks" (open, 50 per page) among the tasks created: p50 and p95.
 * 4. Erasure of that person: the activities eraser deletes every activity keyed under them.
 *
 * `BENCH_ACTIVITIES` (default 2,000) and `BENCH_TASKS` (default 1,000) size the run. Appends to bench/RESULTS.md.
 */
import { loadConfig } from '../src/config.ts';
import { ensureFirstStart } from '../src/bootstrap.ts';
import type { DialectName } from '../src/db/database.ts';
import { buildApp } from '../src/http/app.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { createAppServices } from '../src/services.ts';
import { insertTokenForRole } from '../test/support/owner-token.ts';
import { appendResults, formatNumber } from './bench-results.ts';
import { createBenchDatabase } from './bench-database.ts';

const dialect: DialectName = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
const activityCount = Number(process.env.BENCH_ACTIVITIES ?? 2000);
const taskCount = Number(process.env.BENCH_TASKS ?? 1000);
const readRounds = 200;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function timed(rounds: number, run: () => Promise<void>): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function main(): Promise<void> {
  const bench = await createBenchDatabase(dialect);
  const config = loadConfig({
    CUSTODIAN_MODE: 'test',
    CUSTODIAN_DATA_DIR: bench.dataDir,
    CUSTODIAN_ADMIN_EMAIL: 'owner@bench.example',
    CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
    ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : {}),
  });
  const clock = systemClock;
  const { workspaceId } = await ensureFirstStart({ config, db: bench.db, clock });
  const services = await createAppServices({ config, db: bench.db, clock });
  const app = await buildApp({ config, db: bench.db, clock, logger: false, ...services });
  await app.ready();
  try {
    const { token } = await insertTokenForRole(bench.db.kysely, workspaceId, 'sales', { at: clock.now().toISOString() });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const person = await app.inject({ method: 'POST', url: '/api/v1/people', headers, payload: { firstName: 'Busy', lastName: 'Customer' } });
    const personId = person.json().id as string;

    const base = Date.parse('2025-01-01T00:00:00Z');
    const createStart = process.hrtime.bigint();
    for (let i = 0; i < activityCount; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/activities',
        headers,
        payload: {
          type: i % 4 === 0 ? 'call' : 'note',
          subject: `Conversation ${i}`,
          body: `<p>Notes of conversation <strong>${i}</strong>: next steps agreed.</p>`,
          occurredAt: new Date(base + i * 3_600_000).toISOString(),
          links: [{ entity: 'person', id: personId }],
        },
      });
      if (res.statusCode !== 201) throw new Error(`activity create: ${res.statusCode} ${res.body}`);
    }
    const createSeconds = Number(process.hrtime.bigint() - createStart) / 1e9;
    for (let i = 0; i < taskCount; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers,
        payload: { title: `Task ${i}`, dueDate: new Date(base + i * 86_400_000).toISOString().slice(0, 10), assigneeId: null, ...(i % 2 === 0 ? { link: { entity: 'person', id: personId } } : {}) },
      });
      if (res.statusCode !== 201) throw new Error(`task create: ${res.statusCode} ${res.body}`);
    }
    // The tasks belong to the token's user: assign them in one statement (the API path was measured above).
    const user = await bench.db.kysely.selectFrom('api_tokens').select('user_id').executeTakeFirstOrThrow();
    await bench.db.kysely.updateTable('tasks').set({ assignee_id: user.user_id }).execute();

    const first = await timed(readRounds, async () => {
      const res = await app.inject({ method: 'GET', url: `/api/v1/people/${personId}/timeline?limit=30`, headers });
      if (res.statusCode !== 200) throw new Error(`timeline: ${res.statusCode}`);
    });
    const deep = await timed(readRounds, async () => {
      const res = await app.inject({ method: 'GET', url: `/api/v1/people/${personId}/timeline?limit=30&before=2025-02-01T00:00:00Z`, headers });
      if (res.statusCode !== 200) throw new Error(`timeline: ${res.statusCode}`);
    });
    const myTasks = await timed(readRounds, async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/tasks?assignee=me&status=open&limit=50', headers });
      if (res.statusCode !== 200) throw new Error(`tasks: ${res.statusCode}`);
    });
    const eraseStart = process.hrtime.bigint();
    await services.erasure.erasePerson({ workspaceId, personId, trigger: 'admin_delete', actor: { type: 'system', id: 'bench' } });
    const eraseMs = Number(process.hrtime.bigint() - eraseStart) / 1e6;
    const left = await bench.db.kysely.selectFrom('activities').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();

    appendResults('Activities, tasks and timelines (bench/timeline.bench.ts)', dialect, [
      '| measure | figure |',
      '|---|---|',
      `| log an activity about a person through the API (inject, sequential; gate, encryption, audit) | ${formatNumber(activityCount / createSeconds)} activities/s |`,
      `| person timeline, first page of 30 among ${formatNumber(activityCount)} activities + ${formatNumber(taskCount / 2)} tasks | p50 ${ms(first.p50)}, p95 ${ms(first.p95)} |`,
      `| person timeline, a page deep in the history (\`before\`) | p50 ${ms(deep.p50)}, p95 ${ms(deep.p95)} |`,
      `| my open tasks, 50 of ${formatNumber(taskCount)} (half about the person: titles decrypted, one gate check) | p50 ${ms(myTasks.p50)}, p95 ${ms(myTasks.p95)} |`,
      `| erase the person (activities eraser deletes ${formatNumber(activityCount)} activities, tasks eraser ${formatNumber(taskCount / 2)} tasks) | ${ms(eraseMs)}; ${String(left.n)} activities left |`,
    ]);
  } finally {
    await app.close();
    await bench.destroy();
  }
}

await main();
