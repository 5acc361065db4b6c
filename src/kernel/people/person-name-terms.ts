import { normaliseText } from '../crypto/blind-index.ts';

/** Blind-index field of the name search terms (`person_blind_indexes.field`). */
export const nameIndexField = 'name';

/**
 * Prefix lengths indexed (see docs/adr/0011-name-search.md): a query token is looked up by its longest indexed prefix
 * and confirmed by decryption; tokens shorter than the first are indexed, and matched, whole.
 */
export const prefixLengths = [3, 5] as const;
/** Shortest prefix indexed. */
export const minPrefixLength = prefixLengths[0];

/**
 * Name tokens: normalised text (NFKC, lower case), accents removed, split on anything but letters and digits.
 *
 * @example
 * nameTokens('  Zoë  Saint-Exupéry ') // ['zoe', 'saint', 'exupery']
 */
export function nameTokens(value: string): string[] {
  return normaliseText(value)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t !== '');
}

/**
 * The terms indexed for a person's names: each token's prefixes of 3 and 5 characters (as far as the token goes), and
 * tokens shorter than 3 whole.
 *
 * @example
 * nameIndexTerms(['Ada', 'Lovelace', 'Wu']) // ['ada', 'lov', 'lovel', 'wu']
 */
export function nameIndexTerms(names: readonly (string | null | undefined)[]): string[] {
  const terms = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    for (const token of nameTokens(name)) {
      const chars = [...token];
      if (chars.length < minPrefixLength) terms.add(token);
      for (const n of prefixLengths) if (chars.length >= n) terms.add(chars.slice(0, n).join(''));
    }
  }
  return [...terms];
}

/**
 * The index term a query token is looked up by: its longest indexed prefix (the token itself when shorter than 3).
 *
 * @example
 * nameQueryTerm('lovelace') // 'lovel'
 * nameQueryTerm('love')     // 'lov'
 */
export function nameQueryTerm(token: string): string {
  const chars = [...token];
  const n = [...prefixLengths].reverse().find((len) => chars.length >= len);
  return n === undefined ? token : chars.slice(0, n).join('');
}

/**
 * Whether decrypted names match every query token: each query token is a prefix of one of the name tokens.
 *
 * @example
 * namesMatch(['Ada', 'Lovelace'], ['lov', 'ada']) // true
 */
export function namesMatch(names: readonly (string | null | undefined)[], queryTokens: readonly string[]): boolean {
  const tokens = names.flatMap((n) => (n ? nameTokens(n) : []));
  return queryTokens.every((q) => tokens.some((t) => (q.length < minPrefixLength ? t === q : t.startsWith(q))));
}
