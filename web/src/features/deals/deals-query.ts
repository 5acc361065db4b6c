import type { QueryOf, RequestBody, Success } from '../../api/api-types.ts';

/** A deal as the API returns it (people by id only). */
export type Deal = Success<'/api/v1/deals/{id}', 'get'>;
export type NewDeal = RequestBody<'/api/v1/deals', 'post'>;
export type DealPatch = RequestBody<'/api/v1/deals/{id}', 'patch'>;
export type DealFilters = QueryOf<'/api/v1/deals', 'get'>;
export type Pipeline = Success<'/api/v1/pipelines/{id}', 'get'>;
export type Stage = Pipeline['stages'][number];
export type Board = Success<'/api/v1/pipelines/{id}/board', 'get'>;
export type StageChange = Success<'/api/v1/deals/{id}/stage-history', 'get'>['items'][number];

/** Cache key of everything about deals and pipelines. */
export const dealsQueryKey = ['deals'] as const;
export const pipelinesQueryKey = ['pipelines'] as const;

/** The `If-Match` header of a version read earlier. */
export function ifMatch(version: number): { 'if-match': string } {
  return { 'if-match': `"${version}"` };
}

/** Digits after the decimal point of a currency (2 for EUR, 0 for JPY). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * An amount in minor units, formatted in its currency.
 *
 * @example
 * formatMoney(1250000, 'EUR'); // '€12,500.00'
 */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount / 10 ** digits);
  } catch {
    return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/**
 * A typed amount (major units) as integer minor units, or null when it is not a non-negative number.
 *
 * @example
 * toMinorUnits('12.5', 'EUR'); // 1250
 */
export function toMinorUnits(major: number | string, currency: string): number | null {
  const value = typeof major === 'number' ? major : Number(major.replace(',', '.'));
  if (!Number.isFinite(value) || value < 0) return null;
  return Math.round(value * 10 ** minorDigits(currency));
}

export const statusLabels: Record<Deal['status'], string> = { open: 'Open', won: 'Won', lost: 'Lost' };
export const statusColors: Record<Deal['status'], string> = { open: 'blue', won: 'green', lost: 'gray' };
