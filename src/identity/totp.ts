import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import { deriveKey } from '../kernel/crypto/key-files.ts';

/** RFC 6238 parameters: 30-second steps, 6 digits, SHA-1 (what authenticator apps support), ±1 step of drift. */
export const totpStepSeconds = 30;
export const totpWindow = 1;
const issuer = 'Custodian';

/** The key sealing TOTP secrets at rest, derived from the server secret (never stored in the database). */
export function totpSealingKey(serverSecret: Buffer): Buffer {
  return deriveKey(serverSecret, 'totp-secrets');
}

/**
 * Seals a TOTP secret with AES-256-GCM; the user id is bound as additional data so a sealed secret cannot be moved to
 * another account. Output: `v1.<iv>.<ciphertext>.<tag>` in base64url.
 *
 * @example
 * const sealed = sealTotpSecret(key, userId, 'JBSWY3DPEHPK3PXP');
 * openTotpSecret(key, userId, sealed); // 'JBSWY3DPEHPK3PXP'
 */
export function sealTotpSecret(key: Buffer, userId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`totp:${userId}`));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, ciphertext, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** Opens a sealed TOTP secret; throws when it was tampered with or belongs to another user. */
export function openTotpSecret(key: Buffer, userId: string, sealed: string): string {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !ciphertext || !tag) throw new Error('unknown sealed secret format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`totp:${userId}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

/** A new base32 TOTP secret of 160 bits (RFC 4226 recommends at least 128). */
export function generateTotpSecret(): string {
  return authenticator.generateSecret(20);
}

/** The `otpauth://` URL and its QR code (SVG) for an authenticator app. */
export async function totpProvisioning(account: string, secret: string): Promise<{ otpauthUrl: string; qrSvg: string }> {
  const otpauthUrl = authenticator.keyuri(account, issuer, secret);
  const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { otpauthUrl, qrSvg };
}

/**
 * The time step a 6-digit code is valid for at `now` (within ±1 step), or `undefined`. The caller refuses a step at
 * or before the last one it accepted, so that a code is never accepted twice.
 *
 * @example
 * const step = totpStepOf(secret, '123456', clock.now());
 * if (step === undefined || step <= lastStep) throw new AppError('MFA_INVALID');
 */
export function totpStepOf(secret: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const epoch = now.getTime();
  const delta = authenticator.clone({ epoch, window: totpWindow, step: totpStepSeconds }).checkDelta(code, secret);
  if (delta === null) return undefined;
  return Math.floor(epoch / 1000 / totpStepSeconds) + delta;
}

/** The current code for a secret (tests, and nothing else, need this). */
export function totpCodeAt(secret: string, at: Date): string {
  return authenticator.clone({ epoch: at.getTime(), step: totpStepSeconds }).generate(secret);
}
