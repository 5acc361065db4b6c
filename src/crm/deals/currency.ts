import { AppError } from '../../errors.ts';

/** ISO 4217 codes the runtime knows (ICU's list of current currencies). */
const currencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/**
 * Checks and upper-cases an ISO 4217 currency code; throws `VALIDATION_FAILED` (path `/currency`) otherwise.
 *
 * @example
 * normaliseCurrency('eur'); // 'EUR'
 */
export function normaliseCurrency(raw: string): string {
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !currencies.has(code)) {
    throw new AppError('VALIDATION_FAILED', { detail: 'The currency is not an ISO 4217 code', errors: [{ path: '/currency', message: 'not an ISO 4217 code' }] });
  }
  return code;
}
