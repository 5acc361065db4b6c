/**
 * Access export benchmark: `npx tsx bench/access-export.bench.ts` (SQLite) or with `BENCH_DIALECT=postgres`.
 *
 * The access export (Art. 15) of one person with 10,000 activities among 1,000,000 people: every section collected,
 * the activities' content decrypted, the gate and its audit entry, the JSON, one CSV per section, the HTML summary
 * and the zip. Target: under 1 s. People are generated with direct bulk inserts (real data keys wrapped under the KEK,
 * real ciphertexts), the person's activities likewise (content encrypted under their key, 1 % also linking another
 * person), and one audit entry per activity through the real hash chain (the processing log the export reads).
 * `BENCH_PEOPLE=100000` / `BENCH_ACTIVITIES=1000` shrink it for a quick run. Appends the figures to bench/RESULTS.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { ensureFirstStart } from '../src/bootstrap.ts';
import type { DialectName } from '../src/db/database.ts';
import type { Database } from '../src/db/schema.ts';
import { buildApp } from '../src/http/app.ts';
import { apiTokenPrefix } from '../src/identity/authenticate.ts';
import { hashSecret, randomSecret } from '../src/identity/secret-hash.ts';
import { appendAudit } from '../src/kernel/audit/audit-log.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { wrapDataKey } from '../src/kernel/crypto/data-key-wrap.ts';
import { personBinding } from '../src/kernel/people/person-fields.ts';
import { newPseudonym } from '../src/kernel/people/pseudonym.ts';
import { activityBinding } from '../src/crm/activities/activity-content.ts';
import { createAppServices } from '../src/services.ts';
import { exportZip } from '../src/rights/access/export-files.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

const dialect: DialectName = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
const peopleCount = Number(process.env.BENCH_PEOPLE ?? 1_000_000);
const activityCount = Number(process.env.BENCH_ACTIVITIES ?? 10_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);

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
  const app = await buildApp({ config, db, clock: systemClock, logger: false, ...services });
  await app.ready();
  const owner = await db.kysely
    .selectFrom('users')
    .select(['id'])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const token = `${apiTokenPrefix}${randomSecret(32)}`;
  await db.kysely
    .insertInto('api_tokens')
    .values({
      id: randomUUID(),
      workspace_id: workspaceId,
      user_id: owner.id,
      role_id: null,
      name: 'bench',
      token_hash: hashSecret(token),
      prefix: token.slice(0, 8),
      default_purpose: null,
      created_at: new Date().toISOString(),
      expires_at: null,
      last_used_at: null,
      last_used_ip: null,
      revoked_at: null,
    })
    .execute();
  const headers = { authorization: `Bearer ${token}` };

  const kek = services.keys.ring.current();
  const newKey = (personId: string, at: string) => {
    const keyId = randomUUID();
    const dataKey = { keyId, version: 1, key: randomBytes(32) };
    const row = {
      id: keyId,
      workspace_id: workspaceId,
      person_id: personId,
      key_version: 1,
      kek_version: kek.version,
      wrapped_key: wrapDataKey(kek.key, dataKey.key, {
        workspaceId,
        personId,
        keyId,
        keyVersion: 1,
        kekVersion: kek.version,
      }),
      created_at: at,
      destroyed_at: null,
    };
    return { dataKey, row };
  };
  const sqliteInsert = (table: string, rows: Record<string, unknown>[]) => {
    if (rows.length === 0) return;
    const h = db.sqlite!;
    const cols = Object.keys(rows[0] as object);
    const stmt = h.prepare(
      `insert into ${table} (${cols.join(',')}) values (${cols.map((c) => `@${c}`).join(',')})`,
    );
    for (const r of rows) stmt.run(r);
  };
  const insertAll = async (tables: [string, Record<string, unknown>[]][]) => {
    if (dialect === 'sqlite') {
      db.sqlite!.transaction(() => {
        for (const [t, rows] of tables) sqliteInsert(t, rows);
      })();
      return;
    }
    await db.kysely.transaction().execute(async (trx) => {
      const t = trx as unknown as Kysely<any>;
      for (const [table, rows] of tables)
        for (let i = 0; i < rows.length; i += 1000)
          if (rows.length > 0)
            await t
              .insertInto(table)
              .values(rows.slice(i, i + 1000))
              .execute();
    });
  };

  // --- Generation: the population (encrypted names under each person's key).
  const genStart = Date.now();
  if (dialect === 'sqlite') {
    db.sqlite!.pragma('cache_size = -524288');
    db.sqlite!.pragma('synchronous = OFF');
  }
  const t0 = Date.parse('2025-01-01T00:00:00.000Z');
  const batch = dialect === 'sqlite' ? 10_000 : 2_000;
  const others: string[] = [];
  for (let start = 0; start < peopleCount; start += batch) {
    const persons: Record<string, unknown>[] = [];
    const keyRows: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(peopleCount, start + batch); i += 1) {
      const id = randomUUID();
      const at = new Date(t0 + i * 30_000).toISOString();
      const { dataKey, row } = newKey(id, at);
      keyRows.push(row);
      const enc = (a: 'firstName' | 'lastName', v: string) =>
        services.fieldCipher.encrypt(dataKey, v, personBinding(workspaceId, id, a));
      persons.push({
        id,
        workspace_id: workspaceId,
        pseudonym: newPseudonym(),
        first_name: enc('firstName', `First${i}`),
        last_name: enc('lastName', `Last${i}`),
        email: null,
        phone: null,
        job_title: null,
        address: null,
        notes: null,
        source_detail: null,
        organization_id: null,
        owner_user_id: owner.id,
        lifecycle_stage: 'customer',
        source: 'import',
        obtained_at: at,
        import_id: null,
        created_at: at,
        updated_at: at,
        erased_at: null,
        erasing_run_id: null,
        version: 1,
      });
      if (others.length < 100) others.push(id);
    }
    await insertAll([
      ['person_keys', keyRows],
      ['persons', persons],
    ]);
    if (start % 100_000 === 0) process.stdout.write(`  generated ${start} people\r`);
  }
  const genPeople = (Date.now() - genStart) / 1000;

  // --- The subject: created through the API (contact points, provenance, audit), then 10,000 activities.
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers,
    payload: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@bench.example',
      phone: '+44 20 7946 0001',
      jobTitle: 'Analyst',
      notes: 'Prefers letters',
      tags: ['vip'],
    },
  });
  if (created.statusCode !== 201) throw new Error(`create: ${created.statusCode} ${created.body}`);
  const subject = created.json() as { id: string; pseudonym: string };
  const subjectKey = await services.keys.getDataKey(db.kysely, workspaceId, subject.id);
  const actStart = Date.now();
  for (let start = 0; start < activityCount; start += 1000) {
    const activities: Record<string, unknown>[] = [];
    const links: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(activityCount, start + 1000); i += 1) {
      const id = randomUUID();
      const at = new Date(t0 + i * 3_600_000).toISOString();
      activities.push({
        id,
        workspace_id: workspaceId,
        type: i % 3 === 0 ? 'call' : 'note',
        key_person_id: subject.id,
        subject_enc: services.fieldCipher.encrypt(
          subjectKey,
          `Follow-up ${i} about the order`,
          activityBinding(workspaceId, id, 'subject'),
        ),
        body_enc: services.fieldCipher.encrypt(
          subjectKey,
          `<p>Discussed item ${i}: delivery dates, invoice questions and the next steps agreed on the call.</p>`,
          activityBinding(workspaceId, id, 'body'),
        ),
        subject_text: null,
        body_text: null,
        occurred_at: at,
        duration_minutes: i % 3 === 0 ? 15 : null,
        direction: i % 3 === 0 ? 'out' : null,
        outcome: null,
        created_by_type: 'user',
        created_by_id: owner.id,
        created_at: at,
        updated_at: at,
        version: 1,
      });
      links.push({
        workspace_id: workspaceId,
        activity_id: id,
        entity: 'person',
        record_id: subject.id,
        position: 0,
        occurred_at: at,
      });
      // 1 % also about someone else: flagged for review in the export.
      if (i % 100 === 0)
        links.push({
          workspace_id: workspaceId,
          activity_id: id,
          entity: 'person',
          record_id: others[i % others.length],
          position: 1,
          occurred_at: at,
        });
    }
    await insertAll([
      ['activities', activities],
      ['activity_links', links],
    ]);
  }
  // The processing log: one audit entry per activity through the hash chain, as creating them would write.
  for (let start = 0; start < activityCount; start += 1000) {
    await db.kysely.transaction().execute(async (trx) => {
      for (let i = start; i < Math.min(activityCount, start + 1000); i += 1) {
        await appendAudit(
          trx as Kysely<Database>,
          { dialect: db.dialect, clock: systemClock },
          {
            workspaceId,
            actor: { type: 'user', id: owner.id },
            action: 'activity.create',
            outcome: 'allowed',
            resourceType: 'activity',
            resourceId: null,
            subjectPseudonym: subject.pseudonym,
            purpose: 'crm',
            details: { type: 'note' },
          },
        );
      }
    });
  }
  const genActivities = (Date.now() - actStart) / 1000;
  if (dialect === 'postgres') await sql`analyze`.execute(db.kysely);
  if (dialect === 'sqlite') {
    db.sqlite!.pragma('synchronous = NORMAL');
    db.sqlite!.pragma('cache_size = -65536');
    db.sqlite!.pragma('optimize');
    db.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
  }
  const total = Number(
    (
      await db.kysely
        .selectFrom('persons')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

  // --- Measure: the service (what request fulfilment calls) and the staff API returning the zip; cold key cache.
  const ctx = {
    workspaceId,
    actor: { type: 'user' as const, id: owner.id },
    purpose: 'crm',
    role: { purposes: ['*'], dataCategories: ['*'] },
  };
  const serviceMs: number[] = [];
  const serviceCpuMs: number[] = [];
  const httpMs: number[] = [];
  let sizes = { json: 0, zip: 0, html: 0, activities: 0, log: 0, flagged: 0 };
  for (let r = 0; r < runs; r += 1) {
    services.keys.forget();
    const s0 = performance.now();
    const cpu0 = process.cpuUsage();
    const out = await services.accessExporter.build(db.kysely, ctx, subject.id, {
      kind: 'access',
      language: 'en',
    });
    serviceMs.push(performance.now() - s0);
    const cpu = process.cpuUsage(cpu0);
    serviceCpuMs.push((cpu.user + cpu.system) / 1000);
    const sections = out.json.sections as Record<string, { count: number }>;
    sizes = {
      json: JSON.stringify(out.json).length,
      zip: out.zip.length,
      html: out.html.length,
      activities: sections.activities?.count ?? 0,
      log: sections.processing_log?.count ?? 0,
      flagged: out.flaggedForReview.length,
    };
    services.keys.forget();
    const h0 = performance.now();
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/people/${subject.id}/access-export?format=zip`,
      headers,
    });
    httpMs.push(performance.now() - h0);
    if (res.statusCode !== 200) throw new Error(`export: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
  // Where the time goes: each section's collect on its own (warm keys), then the files.
  const person = await db.kysely
    .selectFrom('persons')
    .selectAll()
    .where('id', '=', subject.id)
    .executeTakeFirstOrThrow();
  const sectionCtx = {
    db: db.kysely,
    workspaceId,
    person,
    key: subjectKey,
    kind: 'access' as const,
    now: new Date().toISOString(),
    portable: () => true,
    attribute: () => undefined,
  };
  const perSection: string[] = [];
  for (const section of services.accessSections.list()) {
    const c0 = performance.now();
    await section.collect(sectionCtx);
    const ms = performance.now() - c0;
    if (ms >= 5) perSection.push(`${section.key} ${ms.toFixed(0)} ms`);
  }
  const last = await services.accessExporter.build(db.kysely, ctx, subject.id, {
    kind: 'access',
    language: 'en',
  });
  const tables = Object.entries(
    last.json.sections as Record<string, { items: Record<string, unknown>[] }>,
  ).map(([key, v]) => ({ key, items: v.items }));
  const z0 = performance.now();
  exportZip({ json: last.json, sections: tables, html: last.html, at: new Date() });
  const zipMs = performance.now() - z0;
  const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
  const median = (a: number[]) => sorted(a)[Math.floor(a.length / 2)] ?? NaN;
  const max = (a: number[]) => sorted(a).at(-1) ?? NaN;
  const report =
    process.env.BENCH_DRY === '1'
      ? (_b: string, _d: string, lines: string[]) => console.log(lines.join('\n'))
      : appendResults;
  report('Access export (bench/access-export.bench.ts)', dialect, [
    `Generated ${formatNumber(total)} people in ${genPeople.toFixed(0)} s; the subject's ${formatNumber(activityCount)} activities and ${formatNumber(activityCount)} audit entries in ${genActivities.toFixed(0)} s.`,
    `Export: ${formatNumber(sizes.activities)} activities decrypted, ${formatNumber(sizes.log)} processing-log entries, ${sizes.flagged} flagged for review; JSON ${(sizes.json / 1e6).toFixed(1)} MB, zip ${(sizes.zip / 1e6).toFixed(1)} MB, summary ${(sizes.html / 1e3).toFixed(0)} kB.`,
    '',
    `| access export of one person (${runs} runs, cold key cache) | median | max | target |`,
    '|---|---|---|---|',
    `| service: sections + JSON + CSVs + summary + zip | ${median(serviceMs).toFixed(0)} ms | ${max(serviceMs).toFixed(0)} ms | < 1,000 ms |`,
    `| service, CPU time of this process (less sensitive to other load) | ${median(serviceCpuMs).toFixed(0)} ms | ${max(serviceCpuMs).toFixed(0)} ms | |`,
    `| API: GET …/access-export?format=zip (inject) | ${median(httpMs).toFixed(0)} ms | ${max(httpMs).toFixed(0)} ms | < 1,000 ms |`,
    '',
    `Sections taking 5 ms or more (one pass, warm key): ${perSection.join(', ') || 'none'}; the files (JSON, CSVs, summary into the zip) ${zipMs.toFixed(0)} ms.`,
  ]);
  await app.close();
  await bench.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
