/**
 * Import benchmark: `npx tsx bench/import.bench.ts` (both databases; `BENCH_DIALECT=sqlite|postgres` for one).
 *
 * Imports a generated CSV of `BENCH_IMPORT_ROWS` people (default 100,000: first name, last name, email, phone) through
 * the importer (two streamed passes, validation, suppression and duplicate checks, per-person keys, encryption, blind
 * indexes, one audit entry per batch), beside a raw insert of the same rows parsed from the same file into a plain
 * table without the kernel, in the same run. Target: import >= 50 % of the raw rate. Figures: rows/s, ratio, the
 * process's peak RSS after each phase. Appends them to bench/RESULTS.md (not with `BENCH_DRY=1`, for profiling runs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse';
import type { Kysely } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { ensureFirstStart } from '../src/bootstrap.ts';
import type { DialectName } from '../src/db/database.ts';
import { systemClock } from '../src/kernel/clock.ts';
import type { ProcessingContext } from '../src/kernel/gate/processing-context.ts';
import { toRoleGrant } from '../src/identity/role-grant.ts';
import { createAppServices } from '../src/services.ts';
import { appendResults } from './bench-results.ts';
import { createBenchDatabase } from './bench-database.ts';

const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const dialects: DialectName[] = process.env.BENCH_DIALECT ? [process.env.BENCH_DIALECT as DialectName] : ['sqlite', 'postgres'];
const rss = () => `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;

function writeCsv(file: string): void {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'First name,Last name,Email,Phone\n');
  let chunk = '';
  for (let i = 1; i <= rows; i += 1) {
    chunk += `Ada${i},Lovelace${i % 997},ada.${i}@bench.example,+4420${String(70_000_000 + i).padStart(8, '0')}\n`;
    if (i % 10_000 === 0) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

/** The raw side: the same file parsed and inserted in transactions of 1,000 rows into a plain table. */
async function rawInsert(db: Kysely<any>, workspaceId: string, file: string): Promise<number> {
  await db.schema
    .createTable('bench_raw_people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  const started = performance.now();
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    const part = batch;
    batch = [];
    await db.transaction().execute((trx) => trx.insertInto('bench_raw_people').values(part).execute());
  };
  let header = true;
  for await (const r of fs.createReadStream(file).pipe(parse()) as AsyncIterable<string[]>) {
    if (header) {
      header = false;
      continue;
    }
    batch.push({ id: randomUUID(), workspace_id: workspaceId, first_name: r[0], last_name: r[1], email: r[2], phone: r[3], created_at: new Date().toISOString() });
    if (batch.length === 1000) await flush();
  }
  if (batch.length > 0) await flush();
  return (performance.now() - started) / 1000;
}

async function benchOne(dialect: DialectName): Promise<string[]> {
  const bench = await createBenchDatabase(dialect);
  try {
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: bench.dataDir,
      CUSTODIAN_ADMIN_EMAIL: 'owner@bench.example',
      CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
      ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : {}),
    });
    const { workspaceId } = await ensureFirstStart({ config, db: bench.db, clock: systemClock });
    const services = await createAppServices({ config, db: bench.db, clock: systemClock });
    const owner = await bench.db.kysely
      .selectFrom('users')
      .innerJoin('roles', 'roles.id', 'users.role_id')
      .selectAll('roles')
      .select('users.id as user_id')
      .where('users.workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    const ctx: ProcessingContext = { workspaceId, actor: { type: 'user', id: owner.user_id }, purpose: 'crm', role: toRoleGrant(owner) };
    const file = path.join(bench.dataDir, 'people.csv');
    writeCsv(file);
    const size = fs.statSync(file).size;

    const rawSeconds = await rawInsert(bench.db.kysely as Kysely<any>, workspaceId, file);
    const rawRate = rows / rawSeconds;
    const rssAfterRaw = rss();

    const created = await services.imports.create(ctx, { source: 'import', onDuplicate: 'skip', mapping: {}, ignoreUnknown: false });
    const started = performance.now();
    let last = 0;
    const done = await services.imports.run(ctx, created.id, () => fs.createReadStream(file), {
      onProgress: ({ rowsDone, totalRows }) => {
        if (rowsDone - last >= 10_000 || rowsDone === totalRows) {
          process.stdout.write(`  ${dialect}: ${rowsDone}/${totalRows} rows\r`);
          last = rowsDone;
        }
      },
    });
    const importSeconds = (performance.now() - started) / 1000;
    if (done.counts.created !== rows) throw new Error(`expected ${rows} created, got ${JSON.stringify(done.counts)}`);
    const importRate = rows / importSeconds;
    const lines = [
      `- file: ${rows.toLocaleString('en')} rows, ${(size / 1e6).toFixed(1)} MB`,
      `- raw insert (parse + plain table, 1,000-row transactions): ${rawRate.toFixed(0)} rows/s (${rawSeconds.toFixed(1)} s), peak RSS ${rssAfterRaw}`,
      `- import (two passes, validation, duplicate and suppression checks, keys, encryption, blind indexes, audit): ${importRate.toFixed(0)} rows/s (${importSeconds.toFixed(1)} s), peak RSS ${rss()}`,
      `- import / raw: ${((importRate / rawRate) * 100).toFixed(1)} % (target >= 50 %)`,
    ];
    console.log(`\n${dialect}\n${lines.join('\n')}`);
    return lines;
  } finally {
    await bench.destroy();
  }
}

for (const dialect of dialects) {
  const lines = await benchOne(dialect);
  if (process.env.BENCH_DRY !== '1') appendResults(`Import of ${rows.toLocaleString('en')} people (bench/import.bench.ts)`, dialect, lines);
}
