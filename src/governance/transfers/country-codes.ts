import countries from 'i18n-iso-countries';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * Whether `code` is an ISO 3166-1 alpha-2 country code (upper case).
 *
 * @example
 * isCountryCode('US'); // true
 * isCountryCode('XX'); // false
 */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

/**
 * The English name of an alpha-2 country code (the code itself when unknown).
 *
 * @example
 * countryName('KR'); // 'South Korea'
 */
export function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}
