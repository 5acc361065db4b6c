import { AppError } from '../../errors.ts';

/** A range of whole UTC days, both ends included. */
export interface DateRange {
  /** `YYYY-MM-DD`. */
  readonly from: string;
  /** `YYYY-MM-DD`, included. */
  readonly to: string;
  /** Start of `from`, ISO-8601. */
  readonly startIso: string;
  /** Start of the day after `to` (exclusive end), ISO-8601. */
  readonly endIso: string;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const maxDays = 3660;

function isCalendarDate(value: string): boolean {
  if (!datePattern.test(value)) return false;
  const d = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const problem = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', { detail: `${path.slice(1)}: ${message}`, errors: [{ path, message }] });

/**
 * Parses a date range: both real calendar dates (`2026-02-30` is refused), `from` not after `to`, at most ten years.
 * Refusals are `VALIDATION_FAILED` naming the field, never echoing its value.
 *
 * @example
 * parseDateRange('2026-01-01', '2026-03-31').endIso; // '2026-04-01T00:00:00.000Z'
 */
export function parseDateRange(from: string | undefined, to: string | undefined): DateRange {
  if (!from || !isCalendarDate(from)) throw problem('/from', 'must be a calendar date YYYY-MM-DD');
  if (!to || !isCalendarDate(to)) throw problem('/to', 'must be a calendar date YYYY-MM-DD');
  if (from > to) throw problem('/to', 'must not be before from');
  const start = Date.parse(`${from}T00:00:00.000Z`);
  const end = Date.parse(`${to}T00:00:00.000Z`) + 86_400_000;
  if ((end - start) / 86_400_000 > maxDays) throw problem('/to', 'the range may cover at most ten years');
  return { from, to, startIso: new Date(start).toISOString(), endIso: new Date(end).toISOString() };
}
