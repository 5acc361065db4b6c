import { severityWeights, type Severity } from './compliance-check.ts';

/**
 * The compliance score, 0–100: the share of the applicable checks' severity weight that passed. A check counts once
 * however many findings it has, so one noisy check cannot sink the score and fixing a whole check is what moves it.
 *
 * @example
 * complianceScore([{ severity: 'critical', failed: true }, { severity: 'low', failed: false }]); // 9 (1 of 11 weight passed)
 */
export function complianceScore(
  checks: readonly { readonly severity: Severity; readonly failed: boolean }[],
): number {
  const total = checks.reduce((sum, c) => sum + severityWeights[c.severity], 0);
  if (total === 0) return 100;
  const failed = checks.filter((c) => c.failed).reduce((sum, c) => sum + severityWeights[c.severity], 0);
  return Math.round((100 * (total - failed)) / total);
}
