import { randomBytes } from 'node:crypto';

// Crockford's base32 without I, L, O, U: read out on the phone without confusion.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new public request reference, `R-XXXX-XXXX`: 40 random bits, so one reference says nothing about another.
 *
 * @example
 * newRequestReference() // 'R-7K3M-Q2XD'
 */
export function newRequestReference(): string {
  const bytes = randomBytes(5);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 8; i += 1) {
    out = alphabet[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return `R-${out.slice(0, 4)}-${out.slice(4)}`;
}

/** Whether a string has the shape of a reference (upper-cased first). */
export function isRequestReference(value: string): boolean {
  return /^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(value.toUpperCase());
}
