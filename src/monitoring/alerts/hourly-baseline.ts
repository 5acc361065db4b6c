/** An actor's usual hourly volume: mean and standard deviation over the hours they were active. */
export interface HourlyBaseline {
  /** Active hours the figures come from (0: no history yet). */
  readonly hours: number;
  readonly mean: number;
  readonly sd: number;
}

/** Fewer active hours than this and the baseline is not trusted: only the rule's minimum applies. */
export const minimumBaselineHours = 3;

/**
 * The baseline of a list of hourly counts (only hours with activity are stored, so the baseline is "a usual busy
 * hour", not diluted by idle nights).
 *
 * @example
 * baselineOf([40, 60, 50]); // { hours: 3, mean: 50, sd: 8.16… }
 */
export function baselineOf(counts: readonly number[]): HourlyBaseline {
  if (counts.length === 0) return { hours: 0, mean: 0, sd: 0 };
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  const variance = counts.reduce((a, c) => a + (c - mean) ** 2, 0) / counts.length;
  return { hours: counts.length, mean, sd: Math.sqrt(variance) };
}

/**
 * The hourly count above which a volume rule fires: `max(minimum, mean + deviations x sd)` once the baseline has
 * enough hours, else `minimum`.
 *
 * @example
 * volumeThreshold({ hours: 10, mean: 50, sd: 10 }, { minimum: 500, deviations: 3 }); // 500
 */
export function volumeThreshold(
  baseline: HourlyBaseline,
  rule: { readonly minimum: number; readonly deviations: number },
): number {
  if (baseline.hours < minimumBaselineHours) return rule.minimum;
  return Math.max(rule.minimum, Math.ceil(baseline.mean + rule.deviations * baseline.sd));
}
