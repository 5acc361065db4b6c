import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { AuditCheckpoints } from '../../kernel/audit/audit-checkpoints.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import { verifyAuditChain, type AuditVerification } from '../../kernel/audit/verify-audit-chain.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { KeyFiles } from '../../kernel/crypto/key-files.ts';
import { createKekRing } from '../../kernel/crypto/kek-ring.ts';
import { sql } from 'kysely';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import {
  daysBefore,
  severities,
  type DataKeySummary,
  type CheckContext,
  type CheckFinding,
  type ComplianceCheck,
  type Severity,
} from './compliance-check.ts';
import { complianceChecks } from './compliance-checks.ts';
import { complianceScore } from './compliance-score.ts';
import { compareRuns } from './compare-runs.ts';
import type { FindingView, RunComparison, RunReport, RunTrigger, RunView } from './compliance-types.ts';

export interface ComplianceServiceDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly keyFiles: KeyFiles;
  /** Signed audit checkpoints (the chain check verifies against them). */
  readonly checkpoints: Pick<AuditCheckpoints, 'read'>;
  /** The checks to run (default: every registered check). */
  readonly checks?: readonly ComplianceCheck[];
}

export interface ComplianceService {
  /** Runs every check over the workspace, keeps the run and its findings, audits it, and returns the report. */
  run(ctx: ActorContext, trigger: RunTrigger): Promise<RunReport>;
  /** Runs one check without keeping anything (tests, the console's "re-check"). */
  runCheck(workspaceId: string, key: string): Promise<CheckFinding[]>;
  /** Kept runs, newest first. */
  list(workspaceId: string, options?: { limit?: number; before?: string }): Promise<RunView[]>;
  getOrThrow(workspaceId: string, runId: string): Promise<RunReport>;
  latest(workspaceId: string): Promise<RunReport | undefined>;
  /** The run against the run before it. */
  compare(workspaceId: string, runId: string): Promise<RunComparison>;
}

interface SummaryJson {
  bySeverity: Record<Severity, number>;
  skipped: { key: string; missing: string[] }[];
  errors: { key: string; code: string }[];
}

/**
 * Automated compliance audits: runs the registered checks (one small file per group under `checks/`) over the live
 * configuration, scores the run by the severity of the checks that failed, keeps runs and findings, and compares a run
 * with the previous one. Reads happen outside any transaction; the run, its findings and the audit entry are written in
 * one.
 *
 * @example
 * const compliance = createComplianceService({ db, clock, keyFiles, checkpoints });
 * const report = await compliance.run({ workspaceId, actor: { type: 'system', id: 'compliance.audit' } }, 'schedule');
 * report.score; // 0–100
 */
export function createComplianceService(deps: ComplianceServiceDeps): ComplianceService {
  const checks = deps.checks ?? complianceChecks;
  const byKey = new Map(checks.map((c) => [c.key, c]));
  const db = deps.db.kysely;

  // One index-only pass over the workspace's live keys (index person_keys_live, migration 0150) serves every key check.
  async function dataKeySummary(workspaceId: string, now: Date): Promise<DataKeySummary> {
    const cutoff = daysBefore(now, 3 * 365);
    const old = sql<number>`case when created_at < ${sql.lit(cutoff)} then 1 else 0 end`;
    const rows = await db
      .selectFrom('person_keys')
      .select([
        'kek_version',
        (eb) => eb.fn.countAll<number>().as('n'),
        (eb) => eb.fn.min('created_at').as('oldest'),
        (eb) => eb.fn.sum<number>(old).as('old'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where('destroyed_at', 'is', null)
      .groupBy('kek_version')
      .execute();
    return {
      currentKekVersion: createKekRing(deps.keyFiles).current().version,
      byKekVersion: rows.map((r) => ({
        kekVersion: Number(r.kek_version),
        keys: Number(r.n),
        oldestCreatedAt: (r.oldest as string | null) ?? null,
        olderThanThreeYears: Number(r.old ?? 0),
      })),
    };
  }

  async function context(workspaceId: string, now: Date): Promise<CheckContext> {
    const tables = new Set((await db.introspection.getTables()).map((t) => t.name));
    let chain: Promise<AuditVerification> | undefined;
    let keys: Promise<DataKeySummary> | undefined;
    return {
      db,
      workspaceId,
      now,
      today: now.toISOString().slice(0, 10),
      tables,
      auditChain: () => (chain ??= verifyAuditChain(deps.db, { workspaceId, checkpoints: deps.checkpoints })),
      dataKeys: () => (keys ??= dataKeySummary(workspaceId, now)),
    };
  }

  const view = (
    check: ComplianceCheck | undefined,
    key: string,
    f: { subject: string; severity: string; evidence: string; fix_link: string },
  ): FindingView => ({
    checkKey: key,
    title: check?.title ?? key,
    group: check?.group ?? 'retired',
    severity: f.severity as Severity,
    reference: check?.reference ?? '',
    subject: f.subject,
    evidence: JSON.parse(f.evidence) as Record<string, unknown>,
    fixLink: f.fix_link,
  });

  function runView(r: {
    id: string;
    trigger: string;
    started_at: string;
    finished_at: string;
    duration_ms: number;
    score: number;
    checks_run: number;
    checks_failed: number;
    findings: number;
    summary: string;
  }): RunView {
    const summary = JSON.parse(r.summary) as SummaryJson;
    return {
      id: r.id,
      trigger: r.trigger as RunTrigger,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      durationMs: Number(r.duration_ms),
      score: Number(r.score),
      checksRun: Number(r.checks_run),
      checksFailed: Number(r.checks_failed),
      findings: Number(r.findings),
      bySeverity: summary.bySeverity,
      skipped: summary.skipped,
      errors: summary.errors,
    };
  }

  async function report(workspaceId: string, run: RunView): Promise<RunReport> {
    const rows = await db
      .selectFrom('compliance_findings')
      .select(['check_key', 'subject', 'severity', 'evidence', 'fix_link'])
      .where('workspace_id', '=', workspaceId)
      .where('run_id', '=', run.id)
      .execute();
    const order = (s: string) => severities.indexOf(s as Severity);
    const items = rows
      .map((f) => view(byKey.get(f.check_key), f.check_key, f))
      .sort(
        (a, b) =>
          order(a.severity) - order(b.severity) ||
          a.checkKey.localeCompare(b.checkKey) ||
          a.subject.localeCompare(b.subject),
      );
    return { ...run, items };
  }

  async function list(
    workspaceId: string,
    options: { limit?: number; before?: string } = {},
  ): Promise<RunView[]> {
    let q = db.selectFrom('compliance_runs').selectAll().where('workspace_id', '=', workspaceId);
    if (options.before) q = q.where('started_at', '<', options.before);
    const rows = await q
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 50)
      .execute();
    return rows.map(runView);
  }

  async function getOrThrow(workspaceId: string, runId: string): Promise<RunReport> {
    const row = await db
      .selectFrom('compliance_runs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', runId)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'compliance_run' });
    return report(workspaceId, runView(row));
  }

  return {
    async run(ctx, trigger) {
      const started = deps.clock.now();
      const t0 = performance.now();
      const cctx = await context(ctx.workspaceId, started);
      const outcomes: {
        check: ComplianceCheck;
        findings: CheckFinding[];
        skipped?: string[];
        error?: string;
      }[] = [];
      for (const check of checks) {
        const missing = (check.requires ?? []).filter((t) => !cctx.tables.has(t));
        if (missing.length > 0) {
          outcomes.push({ check, findings: [], skipped: missing });
          continue;
        }
        try {
          outcomes.push({ check, findings: await check.run(cctx) });
        } catch (error) {
          // Only the code: a message may quote data.
          const code = isAppError(error) ? error.code : 'INTERNAL';
          outcomes.push({
            check,
            findings: [{ subject: 'check-error', evidence: { error: code } }],
            error: code,
          });
        }
      }
      const applicable = outcomes.filter((o) => !o.skipped);
      const failed = applicable.filter((o) => o.findings.length > 0);
      const score = complianceScore(
        applicable.map((o) => ({ severity: o.check.severity, failed: o.findings.length > 0 })),
      );
      const bySeverity = Object.fromEntries(severities.map((s) => [s, 0])) as Record<Severity, number>;
      const rows = failed.flatMap((o) => {
        // A subject appears once per check even if a check reported it twice.
        const seen = new Set<string>();
        return o.findings
          .filter((f) => !seen.has(f.subject) && seen.add(f.subject))
          .map((f) => ({
            run_id: '',
            workspace_id: ctx.workspaceId,
            check_key: o.check.key,
            subject: f.subject,
            severity: o.check.severity,
            evidence: JSON.stringify(f.evidence),
            fix_link: f.fixLink ?? o.check.fixLink,
          }));
      });
      for (const r of rows) bySeverity[r.severity as Severity] += 1;
      const id = randomUUID();
      const finished = deps.clock.now();
      const summary: SummaryJson = {
        bySeverity,
        skipped: outcomes
          .filter((o) => o.skipped)
          .map((o) => ({ key: o.check.key, missing: o.skipped ?? [] })),
        errors: outcomes
          .filter((o) => o.error)
          .map((o) => ({ key: o.check.key, code: o.error ?? 'INTERNAL' })),
      };
      const runRow = {
        id,
        workspace_id: ctx.workspaceId,
        trigger,
        actor_type: ctx.actor.type,
        actor_id: ctx.actor.id,
        started_at: started.toISOString(),
        finished_at: finished.toISOString(),
        duration_ms: Math.round(performance.now() - t0),
        score,
        checks_run: applicable.length,
        checks_failed: failed.length,
        findings: rows.length,
        summary: JSON.stringify(summary),
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('compliance_runs').values(runRow).execute();
        for (let i = 0; i < rows.length; i += 200) {
          await trx
            .insertInto('compliance_findings')
            .values(rows.slice(i, i + 200).map((r) => ({ ...r, run_id: id })))
            .execute();
        }
        await appendAudit(
          trx,
          { dialect: deps.db.dialect, clock: deps.clock },
          {
            workspaceId: ctx.workspaceId,
            actor: ctx.actor,
            action: 'compliance.run',
            outcome: 'allowed',
            resourceType: 'compliance_run',
            resourceId: id,
            requestId: ctx.requestId ?? null,
            ip: ctx.ip ?? null,
            details: {
              trigger,
              score,
              checksRun: applicable.length,
              checksFailed: failed.length,
              findings: rows.length,
            },
          },
        );
      });
      return report(ctx.workspaceId, runView(runRow));
    },

    async runCheck(workspaceId, key) {
      const check = byKey.get(key);
      if (!check) throw new AppError('NOT_FOUND', { resource: 'compliance_check' });
      return check.run(await context(workspaceId, deps.clock.now()));
    },

    list,
    getOrThrow,

    async latest(workspaceId) {
      const [last] = await list(workspaceId, { limit: 1 });
      return last ? report(workspaceId, last) : undefined;
    },

    async compare(workspaceId, runId) {
      const current = await getOrThrow(workspaceId, runId);
      const previousRow = await db
        .selectFrom('compliance_runs')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where((eb) =>
          eb.or([
            eb('started_at', '<', current.startedAt),
            eb.and([eb('started_at', '=', current.startedAt), eb('id', '<', current.id)]),
          ]),
        )
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const previous = previousRow ? await report(workspaceId, runView(previousRow)) : null;
      return compareRuns(current, previous);
    },
  };
}
