const pattern = /^P(?=\d)(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?$/;

/**
 * Whether a value is an ISO 8601 date duration of at least one day (`P12M`, `P1Y`, `P90D`).
 *
 * @example
 * isDateDuration('P12M'); // true
 * isDateDuration('12 months'); // false
 */
export function isDateDuration(value: string): boolean {
  return pattern.test(value) && /[1-9]/.test(value);
}

/**
 * Adds an ISO 8601 date duration to an instant in UTC calendar terms (months and years keep the day of month,
 * clamped to the month's end).
 *
 * @example
 * addIsoDuration(new Date('2026-01-31T00:00:00Z'), 'P1M').toISOString(); // '2026-02-28T00:00:00.000Z'
 */
export function addIsoDuration(from: Date, duration: string): Date {
  const m = pattern.exec(duration);
  if (!m) throw new Error('not an ISO 8601 date duration');
  const [years, months, weeks, days] = [m[1], m[2], m[3], m[4]].map((v) => Number(v ?? 0)) as [number, number, number, number];
  const totalMonths = from.getUTCMonth() + years * 12 + months;
  const year = from.getUTCFullYear() + Math.floor(totalMonths / 12);
  const month = totalMonths % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = new Date(from);
  shifted.setUTCFullYear(year, month, Math.min(from.getUTCDate(), lastDay));
  return new Date(shifted.getTime() + (weeks * 7 + days) * 86_400_000);
}
