import { AppError } from '../../errors.ts';

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whether `value` is a real calendar date written `YYYY-MM-DD` (2026-02-30 is not).
 *
 * @example
 * isCalendarDate('2026-02-28'); // true
 * isCalendarDate('2026-02-30'); // false
 */
export function isCalendarDate(value: string): boolean {
  const m = datePattern.exec(value);
  if (!m) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * A `VALIDATION_FAILED` problem naming one field (its JSON pointer) and the rule it broke, never its value.
 *
 * @example
 * throw fieldProblem('/agreement/signedOn', 'must be a calendar date YYYY-MM-DD');
 */
export function fieldProblem(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail: `${path.slice(1)}: ${message}`, errors: [{ path, message }] });
}

/**
 * Throws `VALIDATION_FAILED` unless `value` is null/undefined or a calendar date.
 *
 * @example
 * assertCalendarDate('/reviewOn', body.reviewOn);
 */
export function assertCalendarDate(path: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && !isCalendarDate(value)) {
    throw fieldProblem(path, 'must be a calendar date YYYY-MM-DD');
  }
}

/**
 * The calendar date `days` after `date` (negative goes back).
 *
 * @example
 * addDays('2026-01-30', 3); // '2026-02-02'
 */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export function todayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}
