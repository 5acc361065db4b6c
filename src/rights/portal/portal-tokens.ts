import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** The uses of a portal token; each has its own key, so one kind can never serve as another. */
export type PortalTokenKind = 'verify' | 'status' | 'download';

/** What an authentic token names: the row id and its expiry (ms since the epoch). */
export interface PortalTokenClaims {
  readonly id: string;
  readonly expiresAt: number;
}

/** Signs and checks the portal's link tokens: `<payload>.<HMAC-SHA256 truncated to 128 bits>`, base64url. */
export interface PortalTokens {
  sign(kind: PortalTokenKind, claims: PortalTokenClaims): string;
  /** The claims of an authentic token of `kind` (expired or not), or undefined for anything forged or malformed. */
  verify(kind: PortalTokenKind, token: string): PortalTokenClaims | undefined;
  /** Keyed hash of a verification code bound to its verification id (a database copy alone cannot test codes). */
  codeHash(verificationId: string, code: string): Buffer;
  /** Keyed hash naming an email or an IP in a rate-limit bucket (never the value itself). */
  bucketKey(kind: 'email' | 'phone' | 'ip', value: string): string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const tokenPattern = /^[A-Za-z0-9_-]{20,120}\.[A-Za-z0-9_-]{22}$/;

/**
 * Portal tokens whose keys derive from the server secret (kept outside the database), one key per use.
 *
 * @example
 * const tokens = createPortalTokens(keyFiles.serverSecret);
 * const token = tokens.sign('status', { id: linkId, expiresAt: Date.now() + 86_400_000 });
 * tokens.verify('status', token)?.id; // linkId
 * tokens.verify('download', token); // undefined
 */
export function createPortalTokens(serverSecret: Buffer): PortalTokens {
  const derive = (label: string) =>
    Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), `custodian:portal:${label}`, 32));
  const keys: Record<PortalTokenKind, Buffer> = {
    verify: derive('verify'),
    status: derive('status'),
    download: derive('download'),
  };
  const codeKey = derive('code');
  const bucketKeyBytes = derive('rate-bucket');
  const mac = (kind: PortalTokenKind, payload: string) =>
    createHmac('sha256', keys[kind]).update(payload).digest().subarray(0, 16);
  return {
    sign(kind, claims) {
      const payload = Buffer.from(`${claims.id}~${claims.expiresAt}`).toString('base64url');
      return `${payload}.${mac(kind, payload).toString('base64url')}`;
    },
    verify(kind, token) {
      if (typeof token !== 'string' || !tokenPattern.test(token)) return undefined;
      const [payload = '', signature = ''] = token.split('.');
      const given = Buffer.from(signature, 'base64url');
      // One spelling per token: no malleable trailing bits in either part.
      if (
        given.toString('base64url') !== signature ||
        Buffer.from(payload, 'base64url').toString('base64url') !== payload
      )
        return undefined;
      if (given.length !== 16 || !timingSafeEqual(given, mac(kind, payload))) return undefined;
      const [id = '', expires = ''] = Buffer.from(payload, 'base64url').toString('utf8').split('~');
      if (!uuidPattern.test(id) || !/^\d{1,15}$/.test(expires)) return undefined;
      return { id, expiresAt: Number(expires) };
    },
    codeHash: (verificationId, code) =>
      createHmac('sha256', codeKey).update(`${verificationId}:${code}`).digest(),
    bucketKey: (kind, value) =>
      createHmac('sha256', bucketKeyBytes).update(`${kind}:${value}`).digest('base64url').slice(0, 22),
  };
}

/**
 * SHA-256 of a token: the only form in which the database keeps it.
 *
 * @example
 * await trx.insertInto('portal_links').values({ …, token_hash: portalTokenHash(token) });
 */
export function portalTokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
