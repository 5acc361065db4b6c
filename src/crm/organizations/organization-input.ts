import countries from 'i18n-iso-countries';
import { AppError } from '../../errors.ts';

/** Head-count bands of an organization. */
export const organizationSizeBands = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+'] as const;
export type OrganizationSizeBand = (typeof organizationSizeBands)[number];

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail: `The ${path.slice(1)} is not valid`, errors: [{ path, message }] });
}

/**
 * Normalises a web domain: scheme, path, port, a leading `www.` and a trailing dot are dropped, letters are
 * lower-cased and international names turned into their ASCII (punycode) form. Throws `VALIDATION_FAILED`
 * (path `/domain`) for anything that is not a host name with a dot and an alphabetic top-level label.
 *
 * @example
 * normaliseDomain('https://www.Acme.example/about'); // 'acme.example'
 */
export function normaliseDomain(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 253 || /[\s@]/.test(trimmed)) throw invalid('/domain', 'not a domain');
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`).hostname;
  } catch {
    throw invalid('/domain', 'not a domain');
  }
  host = host.toLowerCase().replace(/\.$/, '').replace(/^www\./, '');
  const labels = host.split('.');
  const labelOk = (l: string) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l);
  if (labels.length < 2 || !labels.every(labelOk) || !/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(labels.at(-1) ?? '')) {
    throw invalid('/domain', 'not a domain');
  }
  return host;
}

/**
 * Checks and upper-cases an ISO 3166-1 alpha-2 country code; throws `VALIDATION_FAILED` (path `/country`) otherwise.
 *
 * @example
 * normaliseCountry('fr'); // 'FR'
 */
export function normaliseCountry(raw: string): string {
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || !countries.isValid(code)) throw invalid('/country', 'not an ISO 3166-1 alpha-2 code');
  return code;
}

/** Case-folded key of a name, for sorting and prefix search. */
export function nameKey(name: string): string {
  return name.trim().normalize('NFKC').toLocaleLowerCase('en');
}
