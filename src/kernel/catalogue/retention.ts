const isoDuration = /^P(?=\d)(\d{1,4}Y)?(\d{1,4}M)?(\d{1,4}W)?(\d{1,5}D)?$/;

/**
 * A retention period as stored: an ISO 8601 date duration (`P3Y`, `P6M`, `P90D`). A whole number of days is accepted
 * and written as `P<n>D`. Returns undefined when the value is neither (or zero).
 *
 * @example
 * normaliseRetention(30); // 'P30D'
 * normaliseRetention('P2Y'); // 'P2Y'
 * normaliseRetention('2 years'); // undefined
 */
export function normaliseRetention(value: string | number): string | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value > 0 && value <= 36_500 ? `P${value}D` : undefined;
  }
  if (!isoDuration.test(value)) return undefined;
  return /[1-9]/.test(value) ? value : undefined;
}
