import { AppError } from '../../errors.ts';

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO-8601 date-time with a zone, normalised to UTC with milliseconds (the form every timeline compares as text).
 * Anything else, including impossible dates such as February 30th, is `VALIDATION_FAILED` naming `path`.
 *
 * @example
 * parseInstant('2026-03-02T11:00+01:00', '/occurredAt'); // '2026-03-02T10:00:00.000Z'
 */
export function parseInstant(value: string, path: string): string {
  const date = new Date(value);
  const year = date.getUTCFullYear();
  if (!isoDateTime.test(value) || Number.isNaN(date.getTime()) || year < 1900 || year > 9998 || !sameCalendarDay(value, date)) {
    throw new AppError('VALIDATION_FAILED', { detail: 'Give an ISO-8601 date-time with a zone', errors: [{ path, message: 'invalid date-time' }] });
  }
  return date.toISOString();
}

/** `Date` rolls 2026-02-30 over to March 2nd; the written day must survive the round trip in its own offset. */
function sameCalendarDay(value: string, date: Date): boolean {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(value);
  const offsetMinutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
  return local === value.slice(0, 10);
}

/**
 * A calendar date `YYYY-MM-DD` that exists; `VALIDATION_FAILED` naming `path` otherwise.
 *
 * @example
 * parseCalendarDate('2026-02-28', '/dueDate'); // '2026-02-28'
 */
export function parseCalendarDate(value: string, path: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00.000Z`).toISOString().slice(0, 10) === value;
  if (!ok) throw new AppError('VALIDATION_FAILED', { detail: 'Give a date as YYYY-MM-DD', errors: [{ path, message: 'invalid date' }] });
  return value;
}
