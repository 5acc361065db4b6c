/**
 * Retention sweep benchmark: `npm run bench retention-sweep` (SQLite) or with `BENCH_DIALECT=postgres`.
 *
 * Creates `BENCH_ROWS` people (default 20,000) through `people.createMany` (keys, encrypted values, blind indexes,
 * contact points), each with one consent event and one activity about them, then sweeps them with a retention policy
 * that has run out: half with action `delete`, half with `anonymise`, each through the whole sweep (the preview's
 * selection, then the batched erasure pipeline in batches of 1,000: claim, holds, exceptions, every registered eraser,
 * values, blind indexes, suppression entries with their journal, key shredding with its journal, one certificate, run
 * record, audit entry and event per person). Target (issue 6): at least 10,000 people erased or anonymised per second
 * on SQLite. Prints people/s per action and the time of the selection alone.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../src/config.ts';
import { ensureFirstStart } from '../src/bootstrap.ts';
import type { DialectName } from '../src/db/database.ts';
import { builtinRoles } from '../src/identity/permissions.ts';
import { createFixedClock } from '../src/kernel/clock.ts';
import type { ProcessingContext } from '../src/kernel/gate/processing-context.ts';
import { createAppServices } from '../src/services.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

const dialect: DialectName = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
const rows = Number(process.env.BENCH_ROWS ?? 20_000);
const batch = 1000;

async function main(): Promise<void> {
  const bench = await createBenchDatabase(dialect);
  const { db } = bench;
  const clock = createFixedClock('2026-01-05T09:00:00.000Z');
  const config = loadConfig({
    CUSTODIAN_MODE: 'test',
    CUSTODIAN_DATA_DIR: bench.dataDir,
    CUSTODIAN_ADMIN_EMAIL: 'owner@bench.example',
    CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
    ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : {}),
  });
  const { workspaceId } = await ensureFirstStart({ config, db, clock });
  const services = await createAppServices({ config, db, clock });
  const owner = await db.kysely
    .selectFrom('users')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const ctx: ProcessingContext = {
    workspaceId,
    actor: { type: 'user', id: owner.id },
    purpose: 'crm',
    role: builtinRoles.owner,
  };
  const policyCtx = { workspaceId, actor: { type: 'user' as const, id: owner.id } };
  const lines: string[] = [];

  let made = 0;
  for (const action of ['delete', 'anonymise'] as const) {
    const half = Math.floor(rows / 2);
    for (let start = 0; start < half; start += batch) {
      const n = Math.min(batch, half - start);
      const items = Array.from({ length: n }, (_, i) => {
        const k = made + start + i;
        return {
          firstName: `Ada${k}`,
          lastName: `Lovelace${k % 997}`,
          email: `ada.${k}@bench.example`,
          phone: `+4420${String(70_000_000 + k).padStart(8, '0')}`,
        };
      });
      const created = await services.people.createMany(ctx, items, { source: 'import', importId: 'bench' });
      const ids = created.map((p) => p.id);
      const at = clock.now().toISOString();
      await db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto('consent_events')
          .values(
            ids.map((id) => ({
              workspace_id: workspaceId,
              person_id: id,
              purpose_key: 'email_marketing',
              purpose_version: 1,
              state: 'given',
              method: 'web_form',
              notice_version: null,
              recorded_at: at,
              actor_type: 'system',
              actor_id: null,
            })),
          )
          .execute();
        const activities = ids.map((id) => ({
          id: randomUUID(),
          workspace_id: workspaceId,
          type: 'call',
          key_person_id: id,
          subject_enc: null,
          body_enc: null,
          subject_text: null,
          body_text: null,
          occurred_at: at,
          duration_minutes: 15,
          direction: 'outbound',
          outcome: null,
          created_by_type: 'user',
          created_by_id: owner.id,
          created_at: at,
          updated_at: at,
          version: 1,
        }));
        for (let i = 0; i < activities.length; i += 500)
          await trx
            .insertInto('activities')
            .values(activities.slice(i, i + 500))
            .execute();
        const links = activities.map((a) => ({
          workspace_id: workspaceId,
          activity_id: a.id,
          entity: 'person',
          record_id: a.key_person_id,
          position: 0,
          occurred_at: at,
        }));
        for (let i = 0; i < links.length; i += 1000)
          await trx
            .insertInto('activity_links')
            .values(links.slice(i, i + 1000))
            .execute();
      });
    }
    made += half;
    for (const p of await services.retention.policies.list(db.kysely, workspaceId, { activeOnly: true })) {
      await services.retention.policies.update(db.kysely, policyCtx, p.id, p.version, {
        name: p.name,
        period: p.period,
        startEvent: p.startEvent,
        action: p.action,
        active: false,
      });
    }
    await services.retention.policies.create(db.kysely, policyCtx, {
      name: `Bench ${action}`,
      period: 'P30D',
      startEvent: 'creation',
      action,
    });
    clock.advance(31 * 86_400_000);

    // The selection alone: one preview page, which pages through the whole workspace to count.
    let t = performance.now();
    const plan = await services.retention.sweeper.preview(db.kysely, workspaceId, { limit: 50, blockedShown: 50 });
    const selectMs = performance.now() - t;
    const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
    // BENCH_PROFILE=<folder>: a CPU profile of the sweep alone (not of the set-up), one file per action.
    const profiler = process.env.BENCH_PROFILE ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    t = performance.now();
    const cpu = process.cpuUsage();
    const run = await services.retention.sweeper.sweep(workspaceId, {
      trigger: 'cli',
      actor: { type: 'system', id: 'bench' },
    });
    const sweepMs = performance.now() - t;
    const cpuUsed = process.cpuUsage(cpu);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      fs.writeFileSync(`${process.env.BENCH_PROFILE}/retention-${action}.cpuprofile`, JSON.stringify(profile));
      profiler.disconnect();
    }
    const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000;
    const done = action === 'delete' ? run.erased : run.anonymised;
    if (done !== half || run.failed !== 0 || plan.total !== half)
      throw new Error(`unexpected sweep: ${JSON.stringify({ selected: plan.total, ...run, perPolicy: undefined })}`);
    lines.push(
      `- ${action}: ${formatNumber(half)} people in ${(sweepMs / 1000).toFixed(2)} s wall = **${formatNumber(half / (sweepMs / 1000))} people/s** for the whole sweep (selection included: one preview page over everyone ${formatNumber(selectMs)} ms alone); ${(cpuMs / 1000).toFixed(2)} s CPU of this process (${dialect === 'sqlite' ? 'SQLite runs in it' : 'PostgreSQL server CPU not counted'}) = **${formatNumber((cpuMs * 1000) / half)} µs CPU per person** = ${formatNumber(half / (cpuMs / 1000))} people per CPU-second; load average ${load} when the sweep started`,
    );
  }
  const audit = Number(
    (
      await db.kysely
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  lines.push(
    `- target >= 10,000 people/s on SQLite; ${formatNumber(audit)} audit entries in the chain afterwards (one per person erased or anonymised, plus creation batches and sweeps)`,
  );
  await bench.destroy();
  // BENCH_APPEND=0: print only (profiling runs), bench/RESULTS.md untouched.
  if (process.env.BENCH_APPEND === '0') {
    process.stdout.write(`${lines.join('\n')}\n`);
    return;
  }
  appendResults(
    `Retention sweep (bench/retention-sweep.bench.ts, ${formatNumber(rows)} people, batches of ${formatNumber(batch)})`,
    dialect,
    lines,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
