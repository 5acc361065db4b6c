import type { Severity } from './compliance-check.ts';

/** What started a run. */
export const runTriggers = ['schedule', 'api', 'cli'] as const;
export type RunTrigger = (typeof runTriggers)[number];

/** A finding as the API, the CLI and the reports show it. */
export interface FindingView {
  readonly checkKey: string;
  readonly title: string;
  readonly group: string;
  readonly severity: Severity;
  readonly reference: string;
  readonly subject: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly fixLink: string;
}

/** A kept run. */
export interface RunView {
  readonly id: string;
  readonly trigger: RunTrigger;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly score: number;
  readonly checksRun: number;
  readonly checksFailed: number;
  readonly findings: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Checks not run because an area's tables are absent, with the tables. */
  readonly skipped: readonly { readonly key: string; readonly missing: readonly string[] }[];
  /** Checks that threw (counted as failed), with the error code only. */
  readonly errors: readonly { readonly key: string; readonly code: string }[];
}

/** A run with its findings. */
export interface RunReport extends RunView {
  readonly items: readonly FindingView[];
}

/** A run against the one before it: findings by check and subject. */
export interface RunComparison {
  readonly runId: string;
  readonly previousRunId: string | null;
  readonly score: number;
  readonly previousScore: number | null;
  readonly newFindings: readonly FindingView[];
  readonly resolvedFindings: readonly FindingView[];
  readonly unchanged: number;
}
