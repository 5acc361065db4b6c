import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { AuditVerification } from '../../kernel/audit/verify-audit-chain.ts';

/** How bad a finding is; the score weighs failed checks by it. */
export const severities = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof severities)[number];

/** Weight of a failed check of each severity in the score (docs/adr/0028). */
export const severityWeights: Readonly<Record<Severity, number>> = {
  critical: 10,
  high: 5,
  medium: 2,
  low: 1,
};

/** What a check reads. Everything is read-only; `now` is the run's clock reading. */
export interface CheckContext {
  readonly db: Kysely<Database>;
  readonly workspaceId: string;
  readonly now: Date;
  /** `now` as `YYYY-MM-DD` (UTC), for the registers' calendar dates. */
  readonly today: string;
  /** Tables that exist in this database (areas added later are checked once their migration ran). */
  readonly tables: ReadonlySet<string>;
  /** The workspace's audit chain verification (computed at most once per run). */
  readonly auditChain: () => Promise<AuditVerification>;
  /** The workspace's live data keys per KEK version, with the current KEK version (one grouped scan per run). */
  readonly dataKeys: () => Promise<DataKeySummary>;
}

/** Live data keys of a workspace, grouped by the KEK version that wraps them. */
export interface DataKeySummary {
  readonly currentKekVersion: number;
  readonly byKekVersion: readonly {
    readonly kekVersion: number;
    readonly keys: number;
    readonly oldestCreatedAt: string | null;
    readonly olderThanThreeYears: number;
  }[];
}

/** One problem a check found: the thing concerned (an id or a key) and evidence made of ids, counts and dates. */
export interface CheckFinding {
  /** Stable name of what is wrong (`purpose:crm`, `user:<id>`, `workspace`): runs are compared on it. */
  readonly subject: string;
  /** No personal data: ids, keys, counts, dates. */
  readonly evidence: Readonly<Record<string, string | number | boolean | null | readonly string[]>>;
  /** Console path that fixes this subject, when more precise than the check's. */
  readonly fixLink?: string;
}

/** One automated compliance check. */
export interface ComplianceCheck {
  /** Stable key (`purpose.no-lawful-basis`). */
  readonly key: string;
  /** The group it belongs to (its file). */
  readonly group: string;
  /** What a finding means, in one sentence. */
  readonly title: string;
  readonly severity: Severity;
  /** The GDPR article or good practice it rests on. */
  readonly reference: string;
  /** Console path where findings are fixed. */
  readonly fixLink: string;
  /** Tables the check needs; a check whose table is absent is skipped and reported as such. */
  readonly requires?: readonly string[];
  run(ctx: CheckContext): Promise<CheckFinding[]>;
}

/** Days between two instants, as an ISO timestamp `days` before `now`. */
export function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

/** Parses a JSON array column, `[]` when it is not one. */
export function jsonArray(text: string | null | undefined): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
