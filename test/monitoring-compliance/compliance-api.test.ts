import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { unzipSync, strFromU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/http/app.ts';
import { testDialects } from '../support/test-database.ts';
import { runCli } from '../support/run-cli.ts';
import { useComplianceTestEnv, type ComplianceTestEnv } from './compliance-test-app.ts';
import { insertIncident, insertRequest, makeGood, raw } from './compliance-fixtures.ts';

type Auth = { authorization: string };
const get = (app: App, auth: Auth, url: string) => app.inject({ method: 'GET', url, headers: auth });
const post = (app: App, auth: Auth, url: string) =>
  app.inject({
    method: 'POST',
    url,
    headers: { ...auth, 'content-type': 'application/json' },
    payload: '{}',
  });

async function countRows(
  env: ComplianceTestEnv,
  table: 'compliance_runs' | 'audit_log',
  action?: string,
): Promise<number> {
  let q = env.t.db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', env.workspaceId);
  if (action) q = (q as any).where('action', '=', action);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

describe.each(testDialects)('compliance API, dashboard and auditor pack on %s', (dialect) => {
  const ctx = useComplianceTestEnv(dialect);
  let env: ComplianceTestEnv;
  let app: App;
  const runIds: string[] = [];

  beforeAll(async () => {
    env = ctx();
    await makeGood(env);
    app = await env.app();
  });

  it('runs every check on demand: kept, scored, audited, with a link to fix each finding', async () => {
    const res = await post(app, env.as.privacy_officer, '/api/v1/compliance/runs');
    expect(res.statusCode, res.body).toBe(201);
    const run = res.json();
    runIds.push(run.id);
    expect(run).toMatchObject({ trigger: 'api', score: 100, checksFailed: 0, items: [], skipped: [] });
    expect(run.checksRun).toBeGreaterThanOrEqual(30);
    expect(await countRows(env, 'audit_log', 'compliance.run')).toBe(1);
    const checks = (await get(app, env.as.privacy_officer, '/api/v1/compliance/checks')).json();
    expect(checks.items.length).toBe(run.checksRun);
  });

  it('compares a run with the one before (new and resolved findings) and tracks the score over time', async () => {
    const db = env.t.db.kysely;
    await db
      .updateTable('purposes')
      .set({ legitimate_interest_assessment: null })
      .where('workspace_id', '=', env.workspaceId)
      .where('key', '=', 'crm')
      .execute();
    await db
      .updateTable('purposes')
      .set({ lawful_basis: 'whim' })
      .where('workspace_id', '=', env.workspaceId)
      .where('key', '=', 'support')
      .execute();
    env.clock.advance(60_000);
    const worse = (await post(app, env.as.privacy_officer, '/api/v1/compliance/runs')).json();
    runIds.push(worse.id);
    expect(worse.score).toBeLessThan(100);
    expect(worse.bySeverity).toMatchObject({ critical: 1, high: 1 });
    expect(worse.items[0]).toMatchObject({
      severity: 'critical',
      checkKey: 'purpose.no-lawful-basis',
      subject: 'purpose:support',
      fixLink: '/purposes',
    });
    const diff1 = (
      await get(app, env.as.privacy_officer, `/api/v1/compliance/runs/${worse.id}/comparison`)
    ).json();
    expect(diff1.previousRunId).toBe(runIds[0]);
    expect(diff1.newFindings.map((f: { checkKey: string }) => f.checkKey).sort()).toEqual([
      'purpose.li-without-assessment',
      'purpose.no-lawful-basis',
    ]);
    expect(diff1.resolvedFindings).toEqual([]);

    await db
      .updateTable('purposes')
      .set({ lawful_basis: 'contract' })
      .where('workspace_id', '=', env.workspaceId)
      .where('key', '=', 'support')
      .execute();
    env.clock.advance(60_000);
    const better = (await post(app, env.as.privacy_officer, '/api/v1/compliance/runs')).json();
    runIds.push(better.id);
    const diff2 = (
      await get(app, env.as.privacy_officer, `/api/v1/compliance/runs/${better.id}/comparison`)
    ).json();
    expect(diff2).toMatchObject({
      previousRunId: worse.id,
      previousScore: worse.score,
      unchanged: 1,
      newFindings: [],
    });
    expect(diff2.resolvedFindings.map((f: { subject: string }) => f.subject)).toEqual(['purpose:support']);
    expect(better.score).toBeGreaterThan(worse.score);

    const history = (await get(app, env.as.auditor, '/api/v1/compliance/runs')).json();
    expect(history.statusCode ?? 200).toBe(200);
    const list = (await get(app, env.as.privacy_officer, '/api/v1/compliance/runs?limit=10')).json();
    expect(list.items.map((r: { id: string }) => r.id)).toEqual([...runIds].reverse());
    expect(list.items.map((r: { score: number }) => r.score)).toEqual([better.score, worse.score, 100]);
    const latest = (await get(app, env.as.privacy_officer, '/api/v1/compliance/runs/latest')).json();
    expect(latest.id).toBe(better.id);
  });

  it('exports a run as JSON, CSV and printable HTML', async () => {
    const id = runIds[1];
    const json = await get(app, env.as.privacy_officer, `/api/v1/compliance/runs/${id}/export?format=json`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toContain('attachment');
    expect(json.json()).toMatchObject({ report: { id, findings: 2 }, comparison: { runId: id } });
    const csv = await get(app, env.as.privacy_officer, `/api/v1/compliance/runs/${id}/export?format=csv`);
    expect(String(csv.headers['content-type'])).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('run_id,run_at,severity,check,group,title,subject,evidence,fix_link,reference');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('purpose.no-lawful-basis');
    const html = await get(app, env.as.privacy_officer, `/api/v1/compliance/runs/${id}/export?format=html`);
    expect(String(html.headers['content-type'])).toContain('text/html');
    expect(html.body).toContain('Compliance audit');
    expect(html.body).toContain('purpose:support');
    expect(html.body).not.toContain('<script');
  });

  it('answers wrong input and missing rights with problem+json, storing nothing', async () => {
    const before = await countRows(env, 'compliance_runs');
    const cases: [Auth, 'GET' | 'POST', string, number][] = [
      [env.as.sales, 'POST', '/api/v1/compliance/runs', 403],
      [env.as.marketing, 'GET', '/api/v1/compliance/runs', 403],
      [env.as.sales, 'GET', '/api/v1/dashboard/privacy', 403],
      [env.as.sales, 'GET', '/api/v1/compliance/auditor-pack?from=2026-01-01&to=2026-03-01', 403],
      [env.as.privacy_officer, 'GET', '/api/v1/compliance/runs/not-a-uuid', 400],
      [env.as.privacy_officer, 'GET', '/api/v1/compliance/runs/00000000-0000-4000-8000-000000000000', 404],
      [env.as.privacy_officer, 'GET', `/api/v1/compliance/runs/${runIds[0]}/export?format=pdf`, 400],
      [env.as.privacy_officer, 'GET', '/api/v1/compliance/runs?limit=0', 400],
      [env.as.privacy_officer, 'GET', '/api/v1/compliance/runs?before=yesterday', 400],
    ];
    for (const [auth, method, url, status] of cases) {
      const res = method === 'GET' ? await get(app, auth, url) : await post(app, auth, url);
      expect(res.statusCode, `${method} ${url}`).toBe(status);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
    }
    const unknownBody = await app.inject({
      method: 'POST',
      url: '/api/v1/compliance/runs',
      headers: { ...env.as.privacy_officer, 'content-type': 'application/json' },
      payload: '{"everything":true}',
    });
    expect(unknownBody.statusCode).toBe(400);
    expect(await countRows(env, 'compliance_runs')).toBe(before);
  });

  it('shows the DPO dashboard: score over time, open incidents with their clock, requests by deadline, training, processing per purpose', async () => {
    const db = env.t.db.kysely;
    const incidentId = await insertIncident(db, env.workspaceId, {
      awareAt: '2026-03-01T10:00:00.000Z',
      createdAt: '2026-03-01T10:00:00.000Z',
    });
    await insertRequest(db, env.workspaceId, {
      status: 'in_progress',
      receivedAt: '2026-01-20T00:00:00.000Z',
      dueAt: '2026-02-20T00:00:00.000Z',
    });
    await insertRequest(db, env.workspaceId, {
      status: 'verified',
      receivedAt: '2026-02-28T00:00:00.000Z',
      dueAt: '2026-03-28T00:00:00.000Z',
    });
    for (const [state, expires] of [
      ['given', '2027-01-01T00:00:00.000Z'],
      ['given', '2026-03-20T00:00:00.000Z'],
      ['withdrawn', null],
      ['given', '2026-02-01T00:00:00.000Z'],
    ] as const) {
      const personId = randomUUID();
      await db
        .insertInto('consent_records')
        .values({
          id: randomUUID(),
          workspace_id: env.workspaceId,
          person_id: personId,
          purpose_key: 'newsletter',
          state,
          method: 'api',
          notice_version_id: null,
          jurisdiction: 'EU',
          first_at: '2026-02-25T10:00:00.000Z',
          updated_at: '2026-02-25T10:00:00.000Z',
          expires_at: expires,
          renewal_reminded_at: null,
        })
        .execute();
      await db
        .insertInto('consent_events')
        .values({
          workspace_id: env.workspaceId,
          person_id: personId,
          purpose_key: 'newsletter',
          purpose_version: 1,
          state,
          method: 'api',
          notice_version: null,
          recorded_at: '2026-02-25T10:00:00.000Z',
          actor_type: 'system',
          actor_id: null,
          event_id: randomUUID(),
          record_id: null,
          jurisdiction: 'EU',
          language: 'en',
          explicit: 0,
          expires_at: null,
          evidence: null,
          form_id: null,
        })
        .execute();
    }
    const res = await get(app, env.as.privacy_officer, '/api/v1/dashboard/privacy');
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d.compliance.history.map((h: { score: number }) => h.score)).toEqual([
      100,
      expect.any(Number),
      expect.any(Number),
    ]);
    expect(d.compliance.latestRunId).toBe(runIds[2]);
    expect(d.requests).toMatchObject({ overdue: 1, dueIn30Days: 1 });
    const incident = d.incidents.find((i: { id: string }) => i.id === incidentId);
    expect(incident).toMatchObject({ deadline: '2026-03-04T10:00:00.000Z', notified: false });
    expect(incident.remainingMs).toBe(48 * 3_600_000 - 60_000 * 2);
    // Two of four records valid now (one withdrawn, one past expiry); one expires within 30 days; the week of 23 February.
    expect(d.consent.find((p: { purpose: string }) => p.purpose === 'newsletter')).toEqual({
      purpose: 'newsletter',
      rate: 0.5,
      valid: 2,
      records: 4,
      expiringSoon: 1,
      weekly: [{ week: '2026-02-23', given: 3, withdrawn: 1 }],
    });
    expect(d.processing.days).toHaveLength(30);
    expect(d.training).toMatchObject({ assigned: 0, completionRate: 0 });
    expect(JSON.stringify(d)).not.toMatch(/@example\.test/);
  });

  it('builds the auditor pack: every section, a manifest with the SHA-256 of each file, the export audited', async () => {
    const db = env.t.db.kysely;
    await insertRequest(db, env.workspaceId, {
      status: 'completed',
      receivedAt: '2026-02-01T00:00:00.000Z',
      dueAt: '2026-03-01T00:00:00.000Z',
    });
    await raw(db)
      .updateTable('requests')
      .set({ completed_at: '2026-02-10T00:00:00.000Z' })
      .where('status', '=', 'completed')
      .execute();
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/compliance/auditor-pack?from=2026-01-01&to=2026-03-02',
      headers: env.as.privacy_officer,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toContain('auditor-pack-2026-01-01-to-2026-03-02.zip');
    const files = unzipSync(new Uint8Array(res.rawPayload));
    const manifest = JSON.parse(strFromU8(files['manifest.json'] ?? new Uint8Array()));
    expect(manifest.range).toEqual({ from: '2026-01-01', to: '2026-03-02' });
    expect(manifest.omitted).toEqual([]);
    const paths = manifest.files.map((f: { path: string }) => f.path);
    for (const p of [
      'records-of-processing/ropa.json',
      'dpias/dpias.json',
      'consent/consent-evidence-summary.csv',
      'requests/request-log.csv',
      'erasure/erasure-certificates.json',
      'breaches/breach-register.json',
      'training/training-completion.csv',
      'compliance/compliance-audit.json',
      'audit/audit-chain-verification.json',
    ]) {
      expect(paths).toContain(p);
    }
    for (const f of manifest.files) {
      const bytes = files[f.path];
      expect(bytes, f.path).toBeDefined();
      expect(
        createHash('sha256')
          .update(bytes ?? new Uint8Array())
          .digest('hex'),
      ).toBe(f.sha256);
    }
    const text = (p: string) => strFromU8(files[p] ?? new Uint8Array());
    expect(JSON.parse(text('audit/audit-chain-verification.json'))).toMatchObject({ ok: true });
    expect(JSON.parse(text('compliance/compliance-audit.json')).report.id).toBe(runIds[2]);
    const log = text('requests/request-log.csv').trim().split('\n');
    expect(log[0]).toContain('deadline');
    expect(
      log.some((l) =>
        l.endsWith(
          ',completed,2026-02-01T00:00:00.000Z,2026-03-01T00:00:00.000Z,2026-03-01T00:00:00.000Z,,2026-02-10T00:00:00.000Z,met',
        ),
      ),
    ).toBe(true);
    expect(log.some((l) => l.endsWith(',overdue'))).toBe(true);
    expect(
      JSON.parse(text('breaches/breach-register.json')).some(
        (i: { notificationDeadline: string }) => i.notificationDeadline === '2026-03-04T10:00:00.000Z',
      ),
    ).toBe(true);
    expect(JSON.parse(text('dpias/dpias.json'))).toHaveLength(2);
    for (const [p, bytes] of Object.entries(files))
      expect(strFromU8(bytes), p).not.toContain('owner@example.test');
    expect(await countRows(env, 'audit_log', 'auditor_pack.export')).toBe(1);
  });

  it('refuses impossible date ranges with problem+json and writes no export audit entry', async () => {
    for (const q of [
      'from=2026-03-01&to=2026-02-01',
      'from=2026-02-30&to=2026-03-01',
      'from=2026-01-01',
      'from=yesterday&to=today',
      'from=2000-01-01&to=2026-01-01',
      'from=2026-01-01&to=2026-01-02&x=1',
    ]) {
      const res = await get(app, env.as.privacy_officer, `/api/v1/compliance/auditor-pack?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    expect(await countRows(env, 'audit_log', 'auditor_pack.export')).toBe(1);
  });

  it('writes the auditor pack and runs the audit from the command line; a reversed range exits 2', async () => {
    const out = path.join(env.t.dataDir, 'pack.zip');
    const bad = await runCli(env.t, [
      'auditor-pack',
      '--from',
      '2026-03-01',
      '--to',
      '2026-02-01',
      '--out',
      out,
    ]);
    expect(bad.code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
    const ok = await runCli(env.t, [
      'auditor-pack',
      '--from',
      '2026-01-01',
      '--to',
      '2026-03-02',
      '--out',
      out,
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(Object.keys(unzipSync(new Uint8Array(fs.readFileSync(out))))).toContain('manifest.json');
    const run = await runCli(env.t, ['compliance', 'run', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).report.trigger).toBe('cli');
  });
});
