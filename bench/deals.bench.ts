/**
 * Deals board (standalone): `npx tsx bench/deals.bench.ts` (SQLite) or `BENCH_DIALECT=postgres`.
 *
 * 1. Create deals through the API (inject: auth, validation, pipeline lock, end-of-column position, stage history).
 * 2. The board of the default pipeline (6 columns, 100 cards each, counts and totals per currency): p50 and p95.
 * 3. A move between two columns at the top (If-Match; renumbers both columns: ADR 0017): p50 and p95.
 * 4. A filtered list page (status and close-date range, 50 by amount): p50 and p95.
 *
 * `BENCH_DEALS` (default 3,000) sizes the run. Appends to bench/RESULTS.md.
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
const dealCount = Number(process.env.BENCH_DEALS ?? 3000);
const rounds = 200;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function timed(count: number, run: (i: number) => Promise<void>): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await run(i);
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
  try {
    const { token } = await insertTokenForRole(bench.db.kysely, workspaceId, 'sales');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const pipeline = (await app.inject({ method: 'GET', url: '/api/v1/pipelines', headers })).json().items[0] as { id: string; stages: { id: string }[] };
    const stages = pipeline.stages.map((s) => s.id);

    const started = process.hrtime.bigint();
    for (let i = 0; i < dealCount; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/deals',
        headers,
        payload: { title: `Deal ${i}`, amount: (i % 97) * 10_000, currency: i % 5 ? 'EUR' : 'GBP', stageId: stages[i % stages.length], expectedCloseDate: `2026-${String((i % 12) + 1).padStart(2, '0')}-15` },
      });
      if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
    }
    const createSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perStage = Math.ceil(dealCount / stages.length);

    const board = await timed(rounds, async () => {
      const res = await app.inject({ method: 'GET', url: `/api/v1/pipelines/${pipeline.id}/board?perStage=100`, headers });
      if (res.statusCode !== 200) throw new Error(`board: ${res.statusCode}`);
    });

    // Deals of the first column, moved to the top of the second and back, alternately.
    const first = (await bench.db.kysely.selectFrom('deals').select(['id', 'version']).where('stage_id', '=', stages[0] as string).orderBy('position').limit(rounds).execute()).map((d) => ({ ...d }));
    const move = await timed(first.length, async (i) => {
      const deal = first[i] as { id: string; version: number };
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/deals/${deal.id}/move`,
        headers: { ...headers, 'if-match': `"${deal.version}"` },
        payload: { stageId: stages[1], position: 0 },
      });
      if (res.statusCode !== 200) throw new Error(`move: ${res.statusCode} ${res.body}`);
    });

    const list = await timed(rounds, async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/deals?status=open&closeFrom=2026-03-01&closeTo=2026-09-30&sort=-amount&limit=50', headers });
      if (res.statusCode !== 200) throw new Error(`list: ${res.statusCode}`);
    });

    appendResults('Deals board (bench/deals.bench.ts)', dialect, [
      `${formatNumber(dealCount)} deals in the 6-stage default pipeline (about ${formatNumber(perStage)} per stage); in process through \`inject\` (auth and schemas included), sequential.`,
      '',
      '| operation | figure |',
      '|---|---|',
      `| create a deal through the API | ${formatNumber(dealCount / createSeconds)} deals/s |`,
      `| board: 6 columns × 100 cards, counts and totals | p50 ${ms(board.p50)}, p95 ${ms(board.p95)} |`,
      `| move to the top of another column (both columns renumbered) | p50 ${ms(move.p50)}, p95 ${ms(move.p95)} |`,
      `| list page: open, close-date range, 50 by amount | p50 ${ms(list.p50)}, p95 ${ms(list.p95)} |`,
    ]);
  } finally {
    await app.close();
    await bench.destroy();
  }
}

await main();
