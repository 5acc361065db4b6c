/**
 * Bulk create benchmark: `npx tsx bench/people-create-many.bench.ts` (SQLite) or with `BENCH_DIALECT=postgres`.
 *
 * `people.createMany` (what the importer calls per batch: validation, suppression check, one gate check and audit
 * entry, a data key per person, encryption, email/phone/name blind indexes, contact points) in batches of 1,000,
 * beside a raw insert of the same values into a plain table in transactions of 1,000 rows, interleaved in the same
 * run. Target (issue 4): at least 50 % of the raw rate. Prints rows/s, the ratio and the rows written per person.
 * `BENCH_ROWS=20000` changes the size (default 50,000).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { ensureFirstStart } from '../src/bootstrap.ts';
import type { DialectName } from '../src/db/database.ts';
import { builtinRoles } from '../src/identity/permissions.ts';
import { systemClock } from '../src/kernel/clock.ts';
import type { ProcessingContext } from '../src/kernel/gate/processing-context.ts';
import { createAppServices } from '../src/services.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

const dialect: DialectName = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
const rows = Number(process.env.BENCH_ROWS ?? 50_000);
const batch = 1000;

async function main(): Promise<void> {
  const bench = await createBenchDatabase(dialect);
  const { db } = bench;
  const config = loadConfig({
    CUSTODIAN_MODE: 'test',
    CUSTODIAN_DATA_DIR: bench.dataDir,
    CUSTODIAN_ADMIN_EMAIL: 'owner@bench.example',
    CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
    ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : {}),
  });
  const { workspaceId } = await ensureFirstStart({ config, db, clock: systemClock });
  const services = await createAppServices({ config, db, clock: systemClock });
  const owner = await db.kysely.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  const ctx: ProcessingContext = { workspaceId, actor: { type: 'user', id: owner.id }, purpose: 'crm', role: builtinRoles.owner };
  const raw = db.kysely as unknown as Kysely<any>;
  await raw.schema
    .createTable('bench_raw_people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  const item = (i: number) => ({ firstName: `Ada${i}`, lastName: `Lovelace${i % 997}`, email: `ada.${i}@bench.example`, phone: `+4420${String(70_000_000 + i).padStart(8, '0')}` });

  let rawMs = 0;
  let kernelMs = 0;
  for (let start = 0; start < rows; start += batch) {
    const values = Array.from({ length: Math.min(batch, rows - start) }, (_, i) => item(start + i));
    let t = performance.now();
    const plain = values.map((v) => ({ id: randomUUID(), workspace_id: workspaceId, first_name: v.firstName, last_name: v.lastName, email: v.email, phone: v.phone, created_at: new Date().toISOString() }));
    await raw.transaction().execute((trx) => trx.insertInto('bench_raw_people').values(plain).execute());
    rawMs += performance.now() - t;
    t = performance.now();
    await services.people.createMany(ctx, values, { source: 'import', importId: 'bench' });
    kernelMs += performance.now() - t;
  }
  const count = async (table: 'persons' | 'person_keys' | 'person_contact_points' | 'person_blind_indexes') =>
    Number((await db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const written = (await count('persons')) + (await count('person_keys')) + (await count('person_contact_points')) + (await count('person_blind_indexes'));
  const rawRate = rows / (rawMs / 1000);
  const kernelRate = rows / (kernelMs / 1000);
  const lines = [
    `- raw insert (plain table, 1,000-row transactions): ${formatNumber(rawRate)} rows/s`,
    `- people.createMany (1,000 per call, keys, encryption, blind indexes, one audit entry per call): ${formatNumber(kernelRate)} rows/s`,
    `- createMany / raw: ${((kernelRate / rawRate) * 100).toFixed(1)} % (target >= 50 %); ${(written / rows).toFixed(1)} rows written per person (person, key, 2 contact points, email/phone/name index rows) against 1`,
  ];
  await bench.destroy();
  appendResults(`People bulk create (bench/people-create-many.bench.ts, ${formatNumber(rows)} people)`, dialect, lines);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
