import { AppError } from '../../errors.ts';
import type { RequestView } from './request-types.ts';

/** Days before the deadline from which a request counts as `due_soon`. */
export const dueSoonDays = 7;
/** Most months a deadline may reach from receipt, extensions included (Art. 12(3): one month plus two). */
export const maxTotalMonths = 3;

const dayMs = 86_400_000;

/**
 * The end of the period of `months` calendar months running from `receivedAt` (EU Regulation 1182/71, Art. 3(2)(c),
 * as the EDPB reads Art. 12(3)): the last moment of the same day of the month `months` later, or of that month's last
 * day when it has no such day. Days are counted in UTC.
 *
 * @example
 * periodEnd('2026-01-31T09:30:00.000Z', 1) // '2026-02-28T23:59:59.999Z'
 * periodEnd('2028-01-31T09:30:00.000Z', 1) // '2028-02-29T23:59:59.999Z' (leap year)
 * periodEnd('2026-03-15T16:00:00.000Z', 3) // '2026-06-15T23:59:59.999Z'
 */
export function periodEnd(receivedAt: string, months: number): string {
  const start = new Date(receivedAt);
  if (Number.isNaN(start.getTime()))
    throw new AppError('VALIDATION_FAILED', { field: 'receivedAt', detail: 'not a date' });
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  return new Date(Date.UTC(year, month, day, 23, 59, 59, 999)).toISOString();
}

/** The deadline of a new request: one calendar month from receipt. */
export function dueDateOf(receivedAt: string): string {
  return periodEnd(receivedAt, 1);
}

/** Whole months between receipt and a deadline made by `periodEnd` (1 for the original deadline). */
export function monthsOf(receivedAt: string, dueAt: string): number {
  for (let m = 1; m <= 12; m += 1) if (periodEnd(receivedAt, m) === dueAt) return m;
  throw new AppError('CONFLICT', { detail: 'the deadline is not a whole number of months from receipt' });
}

/**
 * The new deadline after extending by `months` (1 or 2) at `now`. Refused (`REQUEST_EXTENSION_REFUSED`, with the
 * rule broken) after the first month has passed, when the total would pass three months, or without a reason.
 *
 * @example
 * extendedDueDate({ receivedAt, originalDueAt, dueAt }, 2, 'many requests', now) // receipt + 3 months
 */
export function extendedDueDate(
  r: { readonly receivedAt: string; readonly originalDueAt: string; readonly dueAt: string },
  months: number,
  reason: string,
  now: Date,
): string {
  if (months !== 1 && months !== 2)
    throw new AppError('REQUEST_EXTENSION_REFUSED', { rule: 'months', detail: 'extend by 1 or 2 months' });
  if (reason.trim() === '')
    throw new AppError('REQUEST_EXTENSION_REFUSED', {
      rule: 'reason',
      detail: 'an extension needs a reason the person is told',
    });
  if (now.toISOString() > r.originalDueAt) {
    throw new AppError('REQUEST_EXTENSION_REFUSED', {
      rule: 'first_month',
      detail: 'the person must be told of an extension within the first month',
    });
  }
  const total = monthsOf(r.receivedAt, r.dueAt) + months;
  if (total > maxTotalMonths) {
    throw new AppError('REQUEST_EXTENSION_REFUSED', {
      rule: 'three_months',
      detail: `the deadline may not pass ${maxTotalMonths} months from receipt`,
    });
  }
  return periodEnd(r.receivedAt, total);
}

/**
 * The SLA indicator: `closed` once final, `overdue` past the deadline, `due_soon` within 7 days of it, else `on_track`.
 *
 * @example
 * slaOf(false, '2026-04-02T23:59:59.999Z', new Date('2026-03-30T10:00:00Z')) // 'due_soon'
 */
export function slaOf(final: boolean, dueAt: string, now: Date): RequestView['sla'] {
  if (final) return 'closed';
  const left = new Date(dueAt).getTime() - now.getTime();
  if (left < 0) return 'overdue';
  if (left <= dueSoonDays * dayMs) return 'due_soon';
  return 'on_track';
}

/** The instant from which a deadline counts as `due_soon` (SQL filters compare `due_at` with it). */
export function dueSoonFrom(now: Date): string {
  return new Date(now.getTime() + dueSoonDays * dayMs).toISOString();
}
