/**
 * People list benchmark: `npx tsx bench/people-list.bench.ts` (SQLite) or with `BENCH_DIALECT=postgres`.
 *
 * A filtered page of 50 among 1,000,000 people through the API (inject): filter by lifecycle stage, by tag, by owner
 * and stage, each walked page after page with the cursor (so that every page meets cold data keys), with the gate,
 * one audit entry per page, key unwrapping and decryption of the 50 people shown. Target: p95 < 50 ms.
 * People are generated with direct bulk inserts (real data keys wrapped under the KEK, real ciphertexts).
 * `BENCH_PEOPLE=100000` shrinks it for a quick run. `BENCH_KEEP=1` keeps the SQLite data folder and prints it;
 * `BENCH_REUSE=<folder>` measures again on a kept one without generating. Appends the figures to bench/RESULTS.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { ensureFirstStart } from '../src/bootstrap.ts';
import type { DialectName } from '../src/db/database.ts';
import { buildApp } from '../src/http/app.ts';
import { apiTokenPrefix } from '../src/identity/authenticate.ts';
import { hashSecret, randomSecret } from '../src/identity/secret-hash.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { wrapDataKey } from '../src/kernel/crypto/data-key-wrap.ts';
import { personBinding } from '../src/kernel/people/person-fields.ts';
import { newPseudonym } from '../src/kernel/people/pseudonym.ts';
import { createAppServices } from '../src/services.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

const dialect: DialectName = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
const peopleCount = Number(process.env.BENCH_PEOPLE ?? 1_000_000);
const pagesPerFilter = Number(process.env.BENCH_PAGES ?? 300);
const stages = ['lead', 'prospect', 'customer', 'former'] as const;
const reuse = process.env.BENCH_REUSE;

/** A kept SQLite data folder of an earlier run (its people already generated). */
async function reusedDatabase(dataDir: string): Promise<BenchDatabase> {
  const db = openDatabase({ sqliteFile: path.join(dataDir, 'custodian.db') });
  await migrateToLatest(db);
  return { db, dataDir, postgresUrl: undefined, destroy: async () => db.close() };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const bench = reuse ? await reusedDatabase(reuse) : await createBenchDatabase(dialect);
  const { db } = bench;
  const config = loadConfig({
    CUSTODIAN_MODE: 'test',
    CUSTODIAN_DATA_DIR: bench.dataDir,
    CUSTODIAN_ADMIN_EMAIL: 'owner@bench.example',
    CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
    ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : {}),
  });
  const { workspaceId } = await ensureFirstStart({ config, db, clock: systemClock });
  const ownerFilter = reuse
    ? (await db.kysely.selectFrom('persons').select('owner_user_id').where('lifecycle_stage', '=', 'lead').executeTakeFirstOrThrow()).owner_user_id
    : null;
  const services = await createAppServices({ config, db, clock: systemClock });
  const app = await buildApp({ config, db, clock: systemClock, logger: false, ...services });
  await app.ready();
  const owner = await db.kysely.selectFrom('users').select(['id']).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  const token = `${apiTokenPrefix}${randomSecret(32)}`;
  await db.kysely
    .insertInto('api_tokens')
    .values({ id: randomUUID(), workspace_id: workspaceId, user_id: owner.id, role_id: null, name: 'bench', token_hash: hashSecret(token), prefix: token.slice(0, 8), default_purpose: null, created_at: new Date().toISOString(), expires_at: null, last_used_at: null, last_used_ip: null, revoked_at: null })
    .execute();
  const headers = { authorization: `Bearer ${token}` };
  const owners = [owner.id, ...Array.from({ length: 9 }, () => randomUUID())];

  // --- Generation: direct bulk inserts, one year of creation times, stage and owner spread, 10 % tagged `vip`.
  const genStart = Date.now();
  const generated = reuse ? 0 : peopleCount;
  const kek = services.keys.ring.current();
  const t0 = Date.parse('2025-01-01T00:00:00.000Z');
  const step = (365 * 86_400_000) / peopleCount;
  const batch = dialect === 'sqlite' ? 10_000 : 2_000;
  if (dialect === 'sqlite') {
    db.sqlite!.pragma('cache_size = -524288');
    db.sqlite!.pragma('synchronous = OFF');
  }
  for (let start = 0; start < generated; start += batch) {
    const persons: Record<string, unknown>[] = [];
    const keyRows: Record<string, unknown>[] = [];
    const tags: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(peopleCount, start + batch); i += 1) {
      const id = randomUUID();
      const keyId = randomUUID();
      const dataKey = { keyId, version: 1, key: randomBytes(32) };
      const at = new Date(t0 + i * step).toISOString();
      keyRows.push({ id: keyId, workspace_id: workspaceId, person_id: id, key_version: 1, kek_version: kek.version, wrapped_key: wrapDataKey(kek.key, dataKey.key, { workspaceId, personId: id, keyId, keyVersion: 1, kekVersion: kek.version }), created_at: at, destroyed_at: null });
      const enc = (a: 'firstName' | 'lastName', v: string) => services.fieldCipher.encrypt(dataKey, v, personBinding(workspaceId, id, a));
      persons.push({
        id, workspace_id: workspaceId, pseudonym: newPseudonym(), first_name: enc('firstName', `First${i}`), last_name: enc('lastName', `Last${i}`),
        email: null, phone: null, job_title: null, address: null, notes: null, source_detail: null, organization_id: `org_${i % 5000}`,
        owner_user_id: owners[i % owners.length], lifecycle_stage: stages[i % stages.length], source: 'import', obtained_at: at, import_id: null,
        created_at: at, updated_at: at, erased_at: null, erasing_run_id: null, version: 1,
      });
      if (i % 10 === 0) tags.push({ workspace_id: workspaceId, person_id: id, tag: 'vip' });
    }
    if (dialect === 'sqlite') {
      const h = db.sqlite!;
      const insert = (table: string, rows: Record<string, unknown>[]) => {
        if (rows.length === 0) return;
        const cols = Object.keys(rows[0] as object);
        const stmt = h.prepare(`insert into ${table} (${cols.join(',')}) values (${cols.map((c) => `@${c}`).join(',')})`);
        for (const r of rows) stmt.run(r);
      };
      h.transaction(() => {
        insert('person_keys', keyRows);
        insert('persons', persons);
        insert('person_tags', tags);
      })();
    } else {
      await db.kysely.transaction().execute(async (trx) => {
        const t = trx as unknown as import('kysely').Kysely<any>;
        await t.insertInto('person_keys').values(keyRows).execute();
        await t.insertInto('persons').values(persons).execute();
        if (tags.length > 0) await t.insertInto('person_tags').values(tags).execute();
      });
    }
    if (start % 100_000 === 0) process.stdout.write(`  generated ${start} people\r`);
  }
  if (dialect === 'postgres') await sql`analyze`.execute(db.kysely);
  if (dialect === 'sqlite') {
    db.sqlite!.pragma('synchronous = NORMAL');
    db.sqlite!.pragma('cache_size = -65536');
    db.sqlite!.pragma('analysis_limit = 1000');
    db.sqlite!.pragma('optimize');
    db.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
  }
  const total = Number((await db.kysely.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const lines = [
    reuse
      ? `${formatNumber(total)} people generated by an earlier run (keys, encrypted names, stage, owner, organization, 10 % tagged).`
      : `Generated ${formatNumber(total)} people (keys, encrypted names, stage, owner, organization, 10 % tagged) in ${((Date.now() - genStart) / 1000).toFixed(0)} s.`,
    '',
  ];
  lines.push('| filtered page of 50 (API, cursor walk, cold keys) | pages | p50 | p95 | p99 | target |', '|---|---|---|---|---|---|');
  services.keys.forget();

  const filters: [string, string][] = [
    ['lifecycleStage=customer', 'stage = customer (25 %), by creation'],
    ['tag=vip&sort=createdAt&order=desc', 'tag = vip (10 %), newest first'],
    [`ownerUserId=${ownerFilter ?? owner.id}&lifecycleStage=lead`, 'owner and stage (2.5 %)'],
    ['lifecycleStage=prospect&createdFrom=2025-06-01T00:00:00Z&createdTo=2025-09-01T00:00:00Z', 'stage and a creation range'],
  ];
  for (const [query, label] of filters) {
    const times: number[] = [];
    let cursor: string | null = null;
    for (let p = 0; p < pagesPerFilter + 10; p += 1) {
      const url = `/api/v1/people?limit=50&${query}${cursor ? `&cursor=${cursor}` : ''}`;
      const started = process.hrtime.bigint();
      const res = await app.inject({ method: 'GET', url, headers });
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.statusCode !== 200) throw new Error(`list ${res.statusCode} ${res.body}`);
      const body = res.json() as { items: unknown[]; nextCursor: string | null };
      if (body.items.length !== 50) throw new Error(`expected a full page, got ${body.items.length}`);
      if (p >= 10) times.push(elapsed);
      cursor = body.nextCursor;
    }
    times.sort((a, b) => a - b);
    const f = (n: number) => `${n.toFixed(1)} ms`;
    const line = `| ${label} | ${times.length} | ${f(percentile(times, 50))} | ${f(percentile(times, 95))} | ${f(percentile(times, 99))} | p95 < 50 ms |`;
    console.log(line);
    lines.push(line);
  }

  await app.close();
  if (process.env.BENCH_KEEP && dialect === 'sqlite') {
    await bench.db.close();
    console.log(`kept ${bench.dataDir}`);
  } else {
    await bench.destroy();
  }
  appendResults('People list (bench/people-list.bench.ts)', dialect, lines);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
