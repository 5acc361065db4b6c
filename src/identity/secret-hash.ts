import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 hex of a high-entropy secret (session ids, API tokens, reset tokens). Not for passwords. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A URL-safe random secret of `bytes` bytes (default 32 = 256 bits). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
