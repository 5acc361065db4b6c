import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Encrypts the SMTP password at rest: AES-256-GCM under a key derived from the server secret, bound to the workspace. */
export interface SettingsSecret {
  seal(workspaceId: string, plaintext: string): Buffer;
  open(workspaceId: string, sealed: Uint8Array): string;
}

/**
 * @example
 * const secret = createSettingsSecret(keyFiles.serverSecret);
 * secret.open(workspaceId, secret.seal(workspaceId, 'hunter2')); // 'hunter2'
 */
export function createSettingsSecret(serverSecret: Buffer): SettingsSecret {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), 'custodian:mail-settings:password', 32));
  const aad = (workspaceId: string) => Buffer.from(`mail_settings|${workspaceId}|password`);
  return {
    seal(workspaceId, plaintext) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(aad(workspaceId));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([nonce, cipher.getAuthTag(), body]);
    },
    open(workspaceId, sealed) {
      const bytes = Buffer.from(sealed);
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAAD(aad(workspaceId));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
