import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { eligibleRecipients } from '../src/consent/records/eligible-recipients.ts';
import type { DialectName } from '../src/db/database.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { createWorkspace } from '../src/workspaces/create-workspace.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

/**
 * "Who may receive marketing email now" over 1,000,000 people with a consent record for the purpose: 60% given (a
 * tenth of those expired), 25% withdrawn, 15% refused; 1,000 objections and 1,000 restrictions among the given.
 * Target: under 2 s on SQLite and PostgreSQL.
 */
const people = Number(process.env.BENCH_CONSENT_PEOPLE ?? 1_000_000);
const rounds = 5;

async function run(dialect: DialectName): Promise<void> {
  const bench = await createBenchDatabase(dialect);
  try {
    const db = bench.db.kysely;
    const workspaceId = await createWorkspace({ db, clock: systemClock, seeders: [] }, { name: 'bench' });
    const now = new Date().toISOString();
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const future = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const given: string[] = [];
    const batch = 2_000;
    const loadStart = performance.now();
    for (let start = 0; start < people; start += batch) {
      const rows = [];
      for (let i = start; i < Math.min(people, start + batch); i++) {
        const id = randomUUID();
        const r = i % 20;
        const state = r < 12 ? 'given' : r < 17 ? 'withdrawn' : 'refused';
        if (state === 'given' && r !== 0) given.push(id);
        rows.push({
          id: randomUUID(),
          workspace_id: workspaceId,
          person_id: id,
          purpose_key: 'email_marketing',
          state,
          method: 'widget',
          notice_version_id: null,
          jurisdiction: 'EU',
          first_at: now,
          updated_at: now,
          expires_at: state === 'given' ? (r === 0 ? past : future) : null,
          renewal_reminded_at: null,
        });
      }
      await db.insertInto('consent_records').values(rows).execute();
    }
    for (let i = 0; i < 1_000; i++) {
      await db.insertInto('objections').values({ id: randomUUID(), workspace_id: workspaceId, person_id: given[i * 2]!, purpose_key: 'email_marketing', objected_at: now, outcome: 'upheld', decided_at: now, updated_at: now }).execute();
      await db.insertInto('restrictions').values({ id: randomUUID(), workspace_id: workspaceId, person_id: given[i * 2 + 1]!, reason: 'accuracy_contested', restricted_at: now, lifted_at: null }).execute();
    }
    const loaded = (performance.now() - loadStart) / 1000;
    if (dialect === 'postgres') await sql`ANALYZE`.execute(db);
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      count = (await eligibleRecipients(db, workspaceId, 'email_marketing', now)).length;
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const expected = given.length - 2_000;
    if (count !== expected) throw new Error(`expected ${expected} eligible, got ${count}`);
    appendResults('consent: who may receive marketing email now', dialect, [
      `| people with a consent record | eligible now | median | worst of ${rounds} | target | met? |`,
      '|---|---|---|---|---|---|',
      `| ${formatNumber(people)} | ${formatNumber(count)} | ${(times[Math.floor(rounds / 2)]! / 1000).toFixed(2)} s | ${(times[rounds - 1]! / 1000).toFixed(2)} s | < 2 s | ${times[rounds - 1]! < 2000 ? 'yes' : 'no'} |`,
      '',
      `(Loading the rows took ${loaded.toFixed(0)} s.)`,
    ]);
  } finally {
    await bench.destroy();
  }
}

await run('sqlite');
await run('postgres');
