import { createHash } from 'node:crypto';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { Db } from '../../db/database.ts';
import type { GovernanceArea } from '../../governance/organisation/governance-area.ts';
import type { AuditCheckpoints } from '../../kernel/audit/audit-checkpoints.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import { verifyAuditChain } from '../../kernel/audit/verify-audit-chain.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import { complianceReportCsv, complianceReportHtml } from '../compliance/compliance-report.ts';
import type { ComplianceService } from '../compliance/compliance-service.ts';
import type { RunTrigger } from '../compliance/compliance-types.ts';
import {
  breachSection,
  consentSection,
  dpiaSection,
  erasureSection,
  requestSection,
  ropaSection,
  trainingSection,
  type PackPart,
  type SectionContext,
} from './auditor-pack-sections.ts';
import type { DateRange } from './date-range.ts';

export interface AuditorPackDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly governance: Pick<GovernanceArea, 'ropa' | 'dpias'>;
  readonly compliance: Pick<ComplianceService, 'latest' | 'run' | 'compare'>;
  readonly checkpoints: Pick<AuditCheckpoints, 'read'>;
}

/** The pack's index: every file with its SHA-256, and the sections left out with the reason. */
export interface AuditorPackManifest {
  readonly generatedAt: string;
  readonly workspaceId: string;
  readonly range: { readonly from: string; readonly to: string };
  readonly files: readonly {
    readonly path: string;
    readonly sha256: string;
    readonly bytes: number;
    readonly description: string;
  }[];
  readonly omitted: readonly { readonly section: string; readonly reason: string }[];
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/**
 * Builds the auditor pack for a date range as a zip: the Art. 30 record, DPIAs, a consent evidence summary, the
 * request log with deadlines met, erasure certificates, the breach register, training completion, the latest
 * compliance audit (a run is made when there is none), the audit-chain verification, and `manifest.json` listing the
 * SHA-256 of every file. Nothing in it names a data subject: pseudonyms, references, counts. The export is audited.
 *
 * @example
 * const { zip, manifest } = await buildAuditorPack(deps, ctx, parseDateRange('2026-01-01', '2026-03-31'), 'cli');
 * fs.writeFileSync('pack.zip', zip);
 */
export async function buildAuditorPack(
  deps: AuditorPackDeps,
  ctx: ActorContext,
  range: DateRange,
  trigger: RunTrigger,
): Promise<{ zip: Uint8Array; manifest: AuditorPackManifest }> {
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const tables = new Set((await db.introspection.getTables()).map((t) => t.name));
  const sctx: SectionContext = {
    db,
    workspaceId: ctx.workspaceId,
    range,
    now,
    tables,
    governance: deps.governance,
  };

  const latest = (await deps.compliance.latest(ctx.workspaceId)) ?? (await deps.compliance.run(ctx, trigger));
  const comparison = await deps.compliance.compare(ctx.workspaceId, latest.id);
  const chain = await verifyAuditChain(deps.db, {
    workspaceId: ctx.workspaceId,
    checkpoints: deps.checkpoints,
  });
  const entries = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', ctx.workspaceId)
    .where('at', '>=', range.startIso)
    .where('at', '<', range.endIso)
    .executeTakeFirst();

  const parts: PackPart[] = [
    ...(await ropaSection(sctx)),
    ...(await dpiaSection(sctx)),
    ...(await consentSection(sctx)),
    ...(await requestSection(sctx)),
    ...(await erasureSection(sctx)),
    ...(await breachSection(sctx)),
    ...(await trainingSection(sctx)),
    {
      path: 'compliance/compliance-audit.json',
      description: `Latest compliance audit (${latest.finishedAt}, score ${latest.score})`,
      content: json({ report: latest, comparison }),
    },
    {
      path: 'compliance/compliance-audit.csv',
      description: 'Latest compliance audit findings as CSV',
      content: complianceReportCsv(latest),
    },
    {
      path: 'compliance/compliance-audit.html',
      description: 'Latest compliance audit, printable',
      content: complianceReportHtml(latest, comparison),
    },
    {
      path: 'audit/audit-chain-verification.json',
      description: `Audit log hash-chain verification: ${chain.ok ? 'intact' : 'BROKEN'}`,
      content: json({
        verifiedAt: now.toISOString(),
        ok: chain.ok,
        entriesVerified: chain.entries,
        signedCheckpointsVerified: chain.checkpoints,
        firstBad: chain.firstBad ? { seq: chain.firstBad.seq, reason: chain.firstBad.reason } : null,
        entriesInRange: Number(entries?.n ?? 0),
      }),
    },
  ];

  const files: Zippable = {};
  const listed: AuditorPackManifest['files'][number][] = [];
  const omitted: AuditorPackManifest['omitted'][number][] = [];
  const mtime = now;
  for (const part of parts) {
    if ('omitted' in part) {
      omitted.push({ section: part.omitted, reason: part.reason });
      continue;
    }
    const bytes = strToU8(part.content);
    files[part.path] = [bytes, { mtime }];
    listed.push({
      path: part.path,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      description: part.description,
    });
  }
  const manifest: AuditorPackManifest = {
    generatedAt: now.toISOString(),
    workspaceId: ctx.workspaceId,
    range: { from: range.from, to: range.to },
    files: listed,
    omitted,
  };
  const manifestBytes = strToU8(json(manifest));
  files['manifest.json'] = [manifestBytes, { mtime }];
  files['README.txt'] = [
    strToU8(
      `Custodian auditor pack, ${range.from} to ${range.to}, generated ${manifest.generatedAt}.\n` +
        'manifest.json lists every file with its SHA-256 (check with: sha256sum <file>) and the sections left out.\n' +
        'No file names a data subject: people appear as pseudonyms, requests and incidents by reference, the rest as counts.\n',
    ),
    { mtime },
  ];
  const zip = zipSync(files, { level: 6 });
  await deps.db.kysely.transaction().execute((trx) =>
    appendAudit(
      trx,
      { dialect: deps.db.dialect, clock: deps.clock },
      {
        workspaceId: ctx.workspaceId,
        actor: ctx.actor,
        action: 'auditor_pack.export',
        outcome: 'allowed',
        resourceType: 'auditor_pack',
        resourceId: null,
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
        details: {
          from: range.from,
          to: range.to,
          files: listed.length,
          omitted: omitted.length,
          manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'),
        },
      },
    ),
  );
  return { zip, manifest };
}
