import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The Ed25519 key that signs audit checkpoints. It lives in the keys folder, never in the database. */
export interface AuditSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** True when this call created the key file. */
  readonly generated: boolean;
}

/** File name of the signing key inside the keys folder. */
export const auditSigningKeyFile = 'audit-signing.key';

/**
 * Loads `<keysDir>/audit-signing.key` (PKCS#8 PEM), generating it once with mode 0600 when absent.
 *
 * @example
 * const key = loadAuditSigningKey(services.keyFiles.keysDir);
 * const signature = sign(null, payload, key.privateKey);
 */
export function loadAuditSigningKey(keysDir: string): AuditSigningKey {
  const file = path.join(keysDir, auditSigningKeyFile);
  let generated = false;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    try {
      fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
      generated = true;
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const privateKey = createPrivateKey(fs.readFileSync(file, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${auditSigningKeyFile} must hold an Ed25519 key`);
  return { privateKey, publicKey: createPublicKey(privateKey), generated };
}
