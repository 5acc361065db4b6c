import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a valid token carries: the id of its row and, for expiring tokens, the expiry (ms since the epoch). */
export interface TokenClaims {
  readonly id: string;
  readonly expiresAt: number | null;
}

/** Opaque, signed tokens for links sent by email: `<payload>.<HMAC-SHA256 truncated to 128 bits>`, base64url. */
export interface TokenSigner {
  sign(claims: TokenClaims): string;
  /** The claims of an authentic token (expired or not: the caller decides), or undefined for anything forged or malformed. */
  verify(token: string): TokenClaims | undefined;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const tokenPattern = /^[A-Za-z0-9_-]{20,120}\.[A-Za-z0-9_-]{22}$/;

/**
 * A signer whose key is derived from the server secret (kept outside the database) for one use (`label`), so that a
 * confirmation token cannot serve as an unsubscribe token and the database alone cannot mint either.
 *
 * @example
 * const signer = createTokenSigner(keyFiles.serverSecret, 'double-opt-in');
 * const token = signer.sign({ id: randomUUID(), expiresAt: Date.now() + 48 * 3600_000 });
 * signer.verify(token)?.id;
 */
export function createTokenSigner(serverSecret: Buffer, label: string): TokenSigner {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), `custodian:consent-token:${label}`, 32));
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 16);
  return {
    sign(claims) {
      const payload = Buffer.from(`${claims.id}~${claims.expiresAt ?? ''}`).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    verify(token) {
      if (typeof token !== 'string' || !tokenPattern.test(token)) return undefined;
      const [payload = '', signature = ''] = token.split('.');
      const given = Buffer.from(signature, 'base64url');
      // Only the canonical encoding: a token has exactly one spelling (no malleable trailing bits).
      if (given.toString('base64url') !== signature || Buffer.from(payload, 'base64url').toString('base64url') !== payload) return undefined;
      if (given.length !== 16 || !timingSafeEqual(given, mac(payload))) return undefined;
      const [id = '', expires = ''] = Buffer.from(payload, 'base64url').toString('utf8').split('~');
      if (!uuidPattern.test(id)) return undefined;
      if (expires !== '' && !/^\d{1,15}$/.test(expires)) return undefined;
      return { id, expiresAt: expires === '' ? null : Number(expires) };
    },
  };
}

/**
 * SHA-256 of a token, the only form in which a single-use token is stored.
 *
 * @example
 * await trx.insertInto('consent_confirmations').values({ …, token_hash: tokenHash(token) });
 */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
