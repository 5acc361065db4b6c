import { fieldProblem, isCalendarDate } from '../organisation/calendar-date.ts';

/**
 * The instant an as-of value names: a date (`YYYY-MM-DD`) is the end of that day, UTC; a timestamp is itself.
 * `VALIDATION_FAILED` otherwise.
 *
 * @example
 * parseAsOf('2026-11-01'); // '2026-11-01T23:59:59.999Z'
 */
export function parseAsOf(value: string): string {
  if (isCalendarDate(value)) return `${value}T23:59:59.999Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && isCalendarDate(value.slice(0, 10))) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  throw fieldProblem('/asOf', 'must be a calendar date YYYY-MM-DD or an ISO 8601 timestamp');
}
