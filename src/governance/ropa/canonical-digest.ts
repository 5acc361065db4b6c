import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * SHA-256 (hex) of the JSON of `value` with object keys sorted, so equal content gives an equal digest whatever the
 * key order.
 *
 * @example
 * canonicalDigest({ b: 1, a: 2 }) === canonicalDigest({ a: 2, b: 1 }); // true
 */
export function canonicalDigest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}
