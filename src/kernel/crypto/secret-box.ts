import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals configuration secrets that are not personal data (an SMTP password, a webhook signing secret): AES-256-GCM
 * under a key derived from the server secret for one use (`info`), each value bound to its owner (`binding`, the
 * additional authenticated data), so a sealed value copied to another row does not open.
 */
export interface SecretBox {
  seal(binding: string, plaintext: string): Buffer;
  open(binding: string, sealed: Uint8Array): string;
}

/**
 * @example
 * const box = createSecretBox(keyFiles.serverSecret, 'custodian:webhooks:secret');
 * box.open(`webhook|${id}`, box.seal(`webhook|${id}`, secret)); // secret
 */
export function createSecretBox(serverSecret: Buffer, info: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), info, 32));
  return {
    seal(binding, plaintext) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(binding));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([nonce, cipher.getAuthTag(), body]);
    },
    open(binding, sealed) {
      const bytes = Buffer.from(sealed);
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(binding));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
