import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomPoolBytes } from './random-pool.ts';
import { AppError } from '../../errors.ts';

/** What a wrapped data key is bound to: unwrapping under any other row or label fails. */
export interface WrapBinding {
  readonly workspaceId: string;
  readonly personId: string;
  /** `person_keys.id`. */
  readonly keyId: string;
  /** Generation of the data key. */
  readonly keyVersion: number;
  /** Version of the KEK it is wrapped under. */
  readonly kekVersion: number;
}

const nonceLength = 12;
const tagLength = 16;
/** Length of a wrapped 32-byte data key: nonce, tag, ciphertext. */
export const wrappedKeyLength = nonceLength + tagLength + 32;

function aad(binding: WrapBinding): Buffer {
  return Buffer.from(
    JSON.stringify([
      'custodian-dek-1',
      binding.workspaceId,
      binding.personId,
      binding.keyId,
      binding.keyVersion,
      binding.kekVersion,
    ]),
  );
}

/**
 * Wraps a data key under a KEK with AES-256-GCM, the ids and versions as additional data (so a wrapped key copied to
 * another person's row, or relabelled with another KEK version, does not unwrap). 60 bytes: nonce, tag, ciphertext.
 * A random 96-bit nonce per wrap: a KEK wraps one key per person plus one per rotation, far below the 2^32 budget.
 *
 * @example
 * const wrapped = wrapDataKey(kek, dataKey, { workspaceId, personId, keyId, keyVersion: 1, kekVersion: 1 });
 */
export function wrapDataKey(kek: Buffer, dataKey: Buffer, binding: WrapBinding): Buffer {
  const nonce = randomPoolBytes(nonceLength);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce, { authTagLength: tagLength });
  cipher.setAAD(aad(binding));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]);
}

/**
 * Reverses `wrapDataKey`; throws `DECRYPTION_FAILED` when the blob, the KEK or the binding does not match.
 *
 * @example
 * const dataKey = unwrapDataKey(kek, row.wrapped_key, binding);
 */
export function unwrapDataKey(kek: Buffer, wrapped: Uint8Array, binding: WrapBinding): Buffer {
  const blob = Buffer.isBuffer(wrapped) ? wrapped : Buffer.from(wrapped);
  if (blob.length !== wrappedKeyLength)
    throw new AppError('DECRYPTION_FAILED', { reason: 'malformed_wrapped_key' });
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, blob.subarray(0, nonceLength), {
      authTagLength: tagLength,
    });
    decipher.setAAD(aad(binding));
    decipher.setAuthTag(blob.subarray(nonceLength, nonceLength + tagLength));
    return Buffer.concat([decipher.update(blob.subarray(nonceLength + tagLength)), decipher.final()]);
  } catch {
    throw new AppError('DECRYPTION_FAILED', { reason: 'wrapped_key_does_not_verify' });
  }
}
