import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { workspaceSeeders } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import type { DialectName } from '../src/db/database.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { dueDateOf } from '../src/rights/requests/request-deadlines.ts';
import { newRequestReference } from '../src/rights/requests/request-reference.ts';
import { requestTypes, type RequestStatus } from '../src/rights/requests/request-types.ts';
import { createAppServices } from '../src/services.ts';
import { createWorkspace } from '../src/workspaces/create-workspace.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

/**
 * The request inbox among many requests: list pages (earliest deadline first, with the console's filters), the
 * home widget's counts, and logging a request (email match through the blind index, encryption under a new request
 * key, timeline step, audit entry, privacy event) one at a time.
 */
const total = Number(process.env.BENCH_REQUESTS ?? 100_000);
const runs = Number(process.env.BENCH_REQUEST_RUNS ?? 200);
const creates = Number(process.env.BENCH_REQUEST_CREATES ?? 300);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function timed(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 20; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

async function run(dialect: DialectName): Promise<void> {
  const bench = await createBenchDatabase(dialect);
  try {
    const db = bench.db.kysely;
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: bench.dataDir,
      ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : {}),
    });
    const services = await createAppServices({ config, db: bench.db, clock: systemClock });
    const workspaceId = await createWorkspace(
      { db, clock: systemClock, seeders: workspaceSeeders },
      { name: 'bench' },
    );
    const role = await db
      .selectFrom('roles')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', 'privacy_officer')
      .executeTakeFirstOrThrow();
    const at = new Date().toISOString();
    const users = Array.from({ length: 5 }, () => randomUUID());
    await db
      .insertInto('users')
      .values(
        users.map((id, i) => ({
          id,
          workspace_id: workspaceId,
          email: `officer${i}@example.test`,
          name: `Officer ${i}`,
          password_hash: null,
          role_id: role.id,
          disabled: 0,
          mfa_secret: null,
          mfa_enabled: 0,
          mfa_last_step: null,
          password_changed_at: null,
          last_sign_in_at: null,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();

    const statuses: RequestStatus[] = [
      'completed',
      'completed',
      'refused',
      'cancelled',
      'completed',
      'completed',
      'identity_unverified',
      'verified',
      'in_progress',
      'awaiting_information',
    ];
    const now = Date.now();
    const t0 = performance.now();
    for (let start = 0; start < total; start += 500) {
      const rows = [];
      for (let i = start; i < Math.min(total, start + 500); i++) {
        const received = new Date(now - (i % (120 * 24)) * 3_600_000).toISOString();
        const status = statuses[i % statuses.length] ?? 'verified';
        const due = dueDateOf(received);
        rows.push({
          id: randomUUID(),
          workspace_id: workspaceId,
          reference: `${newRequestReference()}`,
          type: requestTypes[i % requestTypes.length] ?? 'access',
          status,
          channel: i % 3 === 0 ? 'portal' : 'email',
          person_id: null,
          assignee_id: i % 4 === 0 ? null : (users[i % users.length] ?? null),
          language: 'en',
          received_at: received,
          original_due_at: due,
          due_at: due,
          extended_until: null,
          extension_reason: null,
          extended_at: null,
          identity_verified_at: null,
          identity_method: null,
          completed_at: null,
          closed_at: null,
          refusal_reason: null,
          requester_email: null,
          requester_email_index: null,
          details: null,
          created_by_type: 'system',
          created_by_id: 'bench',
          created_at: received,
          updated_at: received,
          purged_at: null,
          version: 1,
        });
      }
      await db
        .insertInto('requests')
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    // What autovacuum (PostgreSQL) or a periodic ANALYZE would have done after such a load.
    await sql`analyze`.execute(db);
    const count = Number(
      (
        await db
          .selectFrom('requests')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

    const requests = services.requests;
    const firstPage = await requests.list(db, workspaceId, { limit: 50 });
    const cases: [string, () => Promise<unknown>][] = [
      ['list, first page of 50 (no filter)', () => requests.list(db, workspaceId, { limit: 50 })],
      [
        'list, second page (cursor)',
        () => requests.list(db, workspaceId, { limit: 50, cursor: firstPage.nextCursor ?? undefined }),
      ],
      ['list, overdue', () => requests.list(db, workspaceId, { limit: 50, sla: 'overdue' })],
      ['list, due within 7 days', () => requests.list(db, workspaceId, { limit: 50, sla: 'due_soon' })],
      [
        'list, status in progress',
        () => requests.list(db, workspaceId, { limit: 50, status: 'in_progress' }),
      ],
      ['list, one assignee', () => requests.list(db, workspaceId, { limit: 50, assignee: users[1] })],
      ['summary (home widget counts)', () => requests.summary(db, workspaceId)],
    ];
    const lines = [
      `| ${formatNumber(count)} requests (${formatNumber(Math.round(count * 0.4))} open) | p50 ms | p95 ms |`,
      '|---|---|---|',
    ];
    for (const [label, fn] of cases) {
      const { p50, p95 } = await timed(fn);
      lines.push(`| ${label} | ${p50.toFixed(1)} | ${p95.toFixed(1)} |`);
    }
    const ctx = { workspaceId, actor: { type: 'user' as const, id: users[0] ?? null } };
    const c0 = performance.now();
    for (let i = 0; i < creates; i++) {
      await db.transaction().execute((trx) =>
        requests.logFromStaff(trx, ctx, {
          type: 'access',
          channel: 'phone',
          email: `caller${i}@example.test`,
          identityMethod: 'staff_callback',
          language: 'en',
          details: { message: 'Please send me my data' },
        }),
      );
    }
    const createMs = performance.now() - c0;
    lines.push(
      '',
      `| log a request (match, encrypt under a new key, 2 steps, 2 audit entries, 2 events) | ${formatNumber((creates * 1000) / createMs)} requests/s | ${(createMs / creates).toFixed(1)} ms each |`,
      '|---|---|---|',
      '',
      `(${runs} timed runs per row after 20 warm-up runs; ${formatNumber(count)} rows loaded in ${loadSeconds.toFixed(1)} s; ${creates} requests logged one transaction each.)`,
    );
    appendResults('request inbox: list, counts and logging among many requests', dialect, lines);
  } finally {
    await bench.destroy();
  }
}

const only = process.env.BENCH_DIALECT as DialectName | undefined;
if (!only || only === 'sqlite') await run('sqlite');
if (!only || only === 'postgres') await run('postgres');
