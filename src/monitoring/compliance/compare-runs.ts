import type { FindingView, RunComparison, RunReport } from './compliance-types.ts';

const identity = (f: FindingView) => `${f.checkKey}\u0000${f.subject}`;

/**
 * New findings (in `current`, not in `previous`), resolved ones (the reverse) and how many stayed, matched on check and
 * subject. Without a previous run every finding is new.
 *
 * @example
 * const diff = compareRuns(latest, before);
 * diff.resolvedFindings.length; // fixed since the run before
 */
export function compareRuns(current: RunReport, previous: RunReport | null): RunComparison {
  const before = new Map((previous?.items ?? []).map((f) => [identity(f), f]));
  const now = new Set(current.items.map(identity));
  const newFindings = current.items.filter((f) => !before.has(identity(f)));
  const resolvedFindings = [...before.values()].filter((f) => !now.has(identity(f)));
  return {
    runId: current.id,
    previousRunId: previous?.id ?? null,
    score: current.score,
    previousScore: previous?.score ?? null,
    newFindings,
    resolvedFindings,
    unchanged: current.items.length - newFindings.length,
  };
}
