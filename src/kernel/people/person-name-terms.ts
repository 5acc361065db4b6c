import { normaliseText } from '../crypto/blind-index.ts';

/** Blind-index field of the name search terms (`person_blind_indexes.field`). */
export const nameIndexField = 'name';

/** Shortest prefix indexed: shorter query tokens only match whole short tokens (see docs/adr/0011-name-search.md). */
export const minPrefixLength = 3;
/** Longest prefix indexed: a longer query token is looked up by this prefix and confirmed by decryption. */
export const maxPrefixLength = 6;

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
 * The terms indexed for a person's names: each token's prefixes of 3 to 6 characters, and tokens shorter than 3 whole.
 *
 * @example
 * nameIndexTerms(['Ada', 'Lovelace']) // ['ada', 'lov', 'love', 'lovel', 'lovela']
 */
export function nameIndexTerms(names: readonly (string | null | undefined)[]): string[] {
  const terms = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    for (const token of nameTokens(name)) {
      const chars = [...token];
      if (chars.length < minPrefixLength) terms.add(token);
      for (let n = minPrefixLength; n <= Math.min(chars.length, maxPrefixLength); n += 1) terms.add(chars.slice(0, n).join(''));
    }
  }
  return [...terms];
}

/**
 * The index term a query token is looked up by (its prefix of at most 6 characters).
 *
 * @example
 * nameQueryTerm('lovelace') // 'lovela'
 */
export function nameQueryTerm(token: string): string {
  return [...token].slice(0, maxPrefixLength).join('');
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
