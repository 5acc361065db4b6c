import { appendAudit } from '../src/kernel/audit/audit-log.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { createWorkspace } from '../src/workspaces/create-workspace.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

/**
 * Audit append rate inside transactions: one entry per transaction (a request that changes one thing), ten per
 * transaction, and on PostgreSQL 20 concurrent writers to one workspace (serialised by the chain-head lock).
 */
const seconds = Number(process.env.BENCH_APPEND_SECONDS ?? 4);

for (const dialect of ['sqlite', 'postgres'] as const) {
  const bench = await createBenchDatabase(dialect);
  const { db } = bench;
  const deps = { dialect: db.dialect, clock: systemClock };
  const workspaceId = await createWorkspace({ db: db.kysely, clock: systemClock, seeders: [] }, { name: 'bench' });
  const entry = (i: number) => ({
    workspaceId,
    actor: { type: 'user' as const, id: 'a3c1f1de-4a8e-4c39-9f55-0d6c2f1b7e21' },
    action: 'person.read',
    outcome: 'allowed' as const,
    resourceType: 'person',
    resourceId: `6f0b1f5e-7d3c-4b1a-9e2f-${String(i).padStart(12, '0')}`,
    subjectPseudonym: 'psn_7Yf3kQ2m',
    purpose: 'crm',
    requestId: '0b8a8f43-7c55-4d2b-a2b4-9c1d3e4f5a6b',
    ip: '203.0.113.7',
    details: { fields: 3 },
  });

  const run = async (perTransaction: number, writers: number) => {
    let n = 0;
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (performance.now() < until) {
          await db.kysely.transaction().execute(async (trx) => {
            for (let i = 0; i < perTransaction; i++) await appendAudit(trx, deps, entry(n + i));
          });
          n += perTransaction;
        }
      }),
    );
    return n / ((performance.now() - started) / 1000);
  };

  const lines = ['| case | entries/s |', '|---|---|'];
  const cases: Array<[string, number, number]> = [
    ['1 entry per transaction, 1 writer', 1, 1],
    ['10 entries per transaction, 1 writer', 10, 1],
  ];
  if (dialect === 'postgres') cases.push(['1 entry per transaction, 20 concurrent writers, one workspace', 1, 20]);
  for (const [label, per, writers] of cases) {
    const rate = await run(per, writers);
    console.log(`${dialect} ${label}: ${formatNumber(rate)} entries/s`);
    lines.push(`| ${label} | ${formatNumber(rate)} |`);
  }
  await bench.destroy();
  appendResults(`Audit append inside transactions (${seconds} s per case)`, dialect, lines);
}
