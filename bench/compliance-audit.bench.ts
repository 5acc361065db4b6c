/**
 * Compliance audit benchmark: `npx tsx bench/compliance-audit.bench.ts` (SQLite) or with `BENCH_DIALECT=postgres`.
 *
 * One full run of every compliance check (kept, scored, audited) over a workspace of 1,000,000 people, each with a
 * data key, a consent record and a consent event (2 % of consents past expiry but still `given`), plus requests,
 * incidents, alerts, training assignments, and an audit log of `BENCH_AUDIT` entries (default 200,000) whose hash
 * chain the run verifies. Target: < 30 s. People are written with direct bulk inserts (no ciphertexts: no check
 * reads them). `BENCH_PEOPLE=100000` shrinks it. Appends the figures, with the slowest checks, to bench/RESULTS.md.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { ensureFirstStart } from '../src/bootstrap.ts';
import type { DialectName } from '../src/db/database.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { newPseudonym } from '../src/kernel/people/pseudonym.ts';
import { complianceChecks } from '../src/monitoring/compliance/compliance-checks.ts';
import { createAppServices } from '../src/services.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';
import { generateAuditLog } from './generate-audit-log.ts';

const dialect: DialectName = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
const peopleCount = Number(process.env.BENCH_PEOPLE ?? 1_000_000);
const auditCount = Number(process.env.BENCH_AUDIT ?? 200_000);

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
  const raw = db.kysely as unknown as Kysely<any>;
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const kek = services.keys.ring.current();

  // --- Generation.
  const genStart = Date.now();
  if (dialect === 'sqlite') {
    db.sqlite!.pragma('cache_size = -524288');
    db.sqlite!.pragma('synchronous = OFF');
  }
  const batch = dialect === 'sqlite' ? 10_000 : 2_000;
  const wrapped = Buffer.alloc(60, 7);
  for (let start = 0; start < peopleCount; start += batch) {
    const rows: Record<string, Record<string, unknown>[]> = {
      persons: [],
      person_keys: [],
      consent_records: [],
      consent_events: [],
    };
    for (let i = start; i < Math.min(peopleCount, start + batch); i += 1) {
      const id = randomUUID();
      const at = iso(now - 400 * 86_400_000 + i * 30_000);
      rows.persons!.push({
        id,
        workspace_id: workspaceId,
        pseudonym: newPseudonym(),
        lifecycle_stage: 'lead',
        source: 'import',
        created_at: at,
        updated_at: at,
        version: 1,
      });
      rows.person_keys!.push({
        id: randomUUID(),
        workspace_id: workspaceId,
        person_id: id,
        key_version: 1,
        kek_version: kek.version,
        wrapped_key: wrapped,
        created_at: at,
        destroyed_at: null,
      });
      const expired = i % 50 === 0;
      const recordId = randomUUID();
      rows.consent_records!.push({
        id: recordId,
        workspace_id: workspaceId,
        person_id: id,
        purpose_key: 'email_marketing',
        state: i % 10 === 0 ? 'withdrawn' : 'given',
        method: 'hosted_form',
        notice_version_id: null,
        jurisdiction: 'EU',
        first_at: at,
        updated_at: at,
        expires_at: iso(expired ? now - 86_400_000 : now + 300 * 86_400_000),
        renewal_reminded_at: null,
      });
      rows.consent_events!.push({
        workspace_id: workspaceId,
        person_id: id,
        purpose_key: 'email_marketing',
        purpose_version: 1,
        state: 'given',
        method: 'hosted_form',
        notice_version: '1',
        recorded_at: at,
        actor_type: 'subject',
        actor_id: null,
        event_id: randomUUID(),
        record_id: recordId,
        jurisdiction: 'EU',
        language: 'en',
        explicit: 0,
        expires_at: null,
        evidence: null,
        form_id: null,
      });
    }
    if (dialect === 'sqlite') {
      const h = db.sqlite!;
      h.transaction(() => {
        for (const [table, list] of Object.entries(rows)) {
          const cols = Object.keys(list[0] as object);
          const stmt = h.prepare(
            `insert into ${table} (${cols.join(',')}) values (${cols.map((c) => `@${c}`).join(',')})`,
          );
          for (const r of list) stmt.run(r);
        }
      })();
    } else {
      await raw.transaction().execute(async (trx) => {
        for (const [table, list] of Object.entries(rows)) await trx.insertInto(table).values(list).execute();
      });
    }
    if (start % 100_000 === 0) process.stdout.write(`  generated ${start} people\r`);
  }
  // Requests, incidents, alerts, training: the volumes of a large organisation.
  const users = await db.kysely
    .selectFrom('users')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .execute();
  for (let i = 0; i < 2_000; i += 1) {
    const received = now - (i % 60) * 86_400_000;
    await raw
      .insertInto('requests')
      .values({
        id: randomUUID(),
        workspace_id: workspaceId,
        reference: `R-${i}`,
        type: 'access',
        status: i % 3 === 0 ? 'completed' : 'in_progress',
        channel: 'portal',
        language: 'en',
        received_at: iso(received),
        original_due_at: iso(received + 30 * 86_400_000),
        due_at: iso(received + 30 * 86_400_000),
        created_by_type: 'subject',
        created_by_id: null,
        created_at: iso(received),
        updated_at: iso(received),
        version: 1,
      })
      .execute();
  }
  for (let i = 0; i < 50; i += 1) {
    await raw
      .insertInto('incidents')
      .values({
        id: randomUUID(),
        workspace_id: workspaceId,
        reference: `INC-${i}`,
        version: 1,
        title: 'Incident',
        status: i % 5 === 0 ? 'open' : 'closed',
        occurred_from: iso(now - i * 86_400_000),
        occurred_to: null,
        aware_at: iso(now - i * 86_400_000),
        alert_id: null,
        record: '{"authorityNotifiedAt":null,"noNotificationReason":""}',
        created_at: iso(now - i * 86_400_000),
        updated_at: iso(now),
        closed_at: null,
      })
      .execute();
  }
  for (let i = 0; i < 500; i += 1) {
    const at = iso(now - i * 3_600_000);
    await raw
      .insertInto('alerts')
      .values({
        id: randomUUID(),
        workspace_id: workspaceId,
        rule: 'bulk_read',
        severity: i % 4 === 0 ? 'high' : 'medium',
        status: i % 2 ? 'acknowledged' : 'open',
        group_key: `g${i}`,
        subject_type: 'user',
        subject_id: users[0]!.id,
        summary: 's',
        figures: '{}',
        evidence: '[]',
        evidence_count: 0,
        hits: 1,
        window_start: at,
        window_end: at,
        first_seen_at: at,
        last_seen_at: at,
        raised_at: at,
        version: 1,
        updated_at: at,
      })
      .execute();
  }
  // The audit log: the first start's entries are replaced by a generated chain of `auditCount` entries (the head row is kept and moved).
  await db.kysely.deleteFrom('audit_log').where('workspace_id', '=', workspaceId).execute();
  await generateAuditLog(db, workspaceId, auditCount);
  if (dialect === 'postgres') await sql`analyze`.execute(db.kysely);
  if (dialect === 'sqlite') {
    db.sqlite!.pragma('synchronous = NORMAL');
    db.sqlite!.pragma('cache_size = -65536');
    db.sqlite!.pragma('analysis_limit = 1000');
    db.sqlite!.pragma('optimize');
    db.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
  }
  const generatedIn = (Date.now() - genStart) / 1000;

  // --- Measure: two full runs (the first meets a cold cache), then each check alone.
  const ctx = { workspaceId, actor: { type: 'system' as const, id: 'bench' } };
  const runs: number[] = [];
  let report;
  for (let i = 0; i < 2; i += 1) {
    const t = performance.now();
    report = await services.compliance.run(ctx, 'cli');
    runs.push((performance.now() - t) / 1000);
  }
  const perCheck: [string, number][] = [];
  for (const check of complianceChecks) {
    const t = performance.now();
    await services.compliance.runCheck(workspaceId, check.key);
    perCheck.push([check.key, (performance.now() - t) / 1000]);
  }
  perCheck.sort((a, b) => b[1] - a[1]);
  const lines = [
    `Workspace: ${formatNumber(peopleCount)} people (data key, consent record and consent event each), 2,000 requests, 50 incidents, 500 alerts, ${formatNumber(auditCount)} audit entries; generated in ${generatedIn.toFixed(0)} s.`,
    '',
    '| measure | time | target |',
    '|---|---|---|',
    `| full compliance run (${report!.checksRun} checks, kept and audited), first | ${runs[0]!.toFixed(2)} s | < 30 s |`,
    `| full compliance run, second | ${runs[1]!.toFixed(2)} s | < 30 s |`,
    ...perCheck.slice(0, 6).map(([k, s]) => `| check \`${k}\` alone | ${s.toFixed(2)} s | |`),
    '',
    `Run result: score ${report!.score}, ${report!.findings} findings (${report!.checksFailed} checks with findings).`,
  ];
  console.log(lines.join('\n'));
  appendResults(`Compliance audit run over ${formatNumber(peopleCount)} people`, dialect, lines);
  await bench.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
