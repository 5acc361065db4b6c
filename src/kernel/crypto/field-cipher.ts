import { createCipheriv, createDecipheriv } from 'node:crypto';
import { fillRandom } from './random-pool.ts';
import { AppError } from '../../errors.ts';
import type { DataKey } from './key-service.ts';

/** Where a value lives. Bound into the ciphertext: the same bytes under any other binding do not decrypt. */
export interface FieldBinding {
  readonly workspaceId: string;
  readonly table: string;
  readonly column: string;
  /** Id of the row holding the value. */
  readonly rowId: string;
}

/**
 * Encrypts personal values with a person's data key. Envelope (binary, 33 bytes + the value):
 * `[format 0x01][key version, uint32 BE][nonce, 12][tag, 16][ciphertext]`. AES-256-GCM with a random 96-bit nonce;
 * the additional data binds the format, workspace, table, column, row id and key version.
 */
export interface FieldCipher {
  /** UTF-8 string in, envelope out. */
  encrypt(key: DataKey, plaintext: string, binding: FieldBinding): Buffer;
  /** Envelope in, string out; `DECRYPTION_FAILED` (no value in the error) when anything does not match. */
  decrypt(key: DataKey, envelope: Uint8Array, binding: FieldBinding): string;
  /** Any JSON value (stored as its JSON text). */
  encryptJson(key: DataKey, value: unknown, binding: FieldBinding): Buffer;
  decryptJson<T = unknown>(key: DataKey, envelope: Uint8Array, binding: FieldBinding): T;
  /** The data-key version an envelope was made with, read without decrypting. */
  keyVersionOf(envelope: Uint8Array): number;
}

const format = 0x01;
const nonceLength = 12;
const tagLength = 16;
const headerLength = 1 + 4 + nonceLength + tagLength;

function aad(binding: FieldBinding, keyVersion: number): Buffer {
  return Buffer.from(
    JSON.stringify([
      'custodian-field',
      format,
      binding.workspaceId,
      binding.table,
      binding.column,
      binding.rowId,
      keyVersion,
    ]),
  );
}

function fail(binding: FieldBinding, reason: string): AppError {
  return new AppError('DECRYPTION_FAILED', { table: binding.table, column: binding.column, reason });
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * @example
 * const cipher = createFieldCipher();
 * const binding = { workspaceId, table: 'people', column: 'email', rowId: personId };
 * const stored = cipher.encrypt(key, 'ada@example.com', binding);
 * cipher.decrypt(key, stored, binding); // 'ada@example.com'
 */
export function createFieldCipher(): FieldCipher {
  const encrypt = (key: DataKey, plaintext: string, binding: FieldBinding): Buffer => {
    // A lone surrogate would come back as U+FFFD: refuse it rather than store something else.
    if (!(plaintext as string & { isWellFormed(): boolean }).isWellFormed()) {
      throw new AppError('VALIDATION_FAILED', {
        table: binding.table,
        column: binding.column,
        detail: 'the text is not well-formed Unicode',
      });
    }
    const input = Buffer.from(plaintext, 'utf8');
    // One allocation: header, nonce (fresh CSPRNG bytes), tag, then the ciphertext (GCM keeps the length).
    const out = Buffer.allocUnsafe(headerLength + input.length);
    out.writeUInt8(format, 0);
    out.writeUInt32BE(key.version, 1);
    const nonce = fillRandom(out, 5, nonceLength).subarray(5, 5 + nonceLength);
    const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: tagLength });
    cipher.setAAD(aad(binding, key.version));
    cipher.update(input).copy(out, headerLength);
    cipher.final();
    cipher.getAuthTag().copy(out, 5 + nonceLength);
    return out;
  };

  const decrypt = (key: DataKey, envelope: Uint8Array, binding: FieldBinding): string => {
    const bytes = asBuffer(envelope);
    if (bytes.length < headerLength || bytes[0] !== format) throw fail(binding, 'malformed_envelope');
    const keyVersion = bytes.readUInt32BE(1);
    if (keyVersion !== key.version) throw fail(binding, 'key_version_mismatch');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(5, 5 + nonceLength), {
        authTagLength: tagLength,
      });
      decipher.setAAD(aad(binding, keyVersion));
      decipher.setAuthTag(bytes.subarray(5 + nonceLength, headerLength));
      const plain = Buffer.concat([decipher.update(bytes.subarray(headerLength)), decipher.final()]);
      return plain.toString('utf8');
    } catch {
      throw fail(binding, 'does_not_verify');
    }
  };

  return {
    encrypt,
    decrypt,
    encryptJson(key, value, binding) {
      const text = JSON.stringify(value);
      if (text === undefined) throw new AppError('VALIDATION_FAILED', { detail: 'the value is not JSON' });
      return encrypt(key, text, binding);
    },
    decryptJson<T>(key: DataKey, envelope: Uint8Array, binding: FieldBinding): T {
      return JSON.parse(decrypt(key, envelope, binding)) as T;
    },
    keyVersionOf(envelope) {
      const bytes = asBuffer(envelope);
      if (bytes.length < headerLength || bytes[0] !== format)
        throw new AppError('DECRYPTION_FAILED', { reason: 'malformed_envelope' });
      return bytes.readUInt32BE(1);
    },
  };
}
