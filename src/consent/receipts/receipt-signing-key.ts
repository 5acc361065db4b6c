import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A workspace's Ed25519 consent-receipt key: in the keys folder, never in the database. */
export interface ReceiptSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Key id: the first 16 hex digits of the SHA-256 of the public key (SPKI DER). */
  readonly kid: string;
}

const workspaceIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

function fileOf(keysDir: string, workspaceId: string): string {
  if (!workspaceIdPattern.test(workspaceId)) throw new Error('not a workspace id');
  return path.join(keysDir, `receipt-signing-${workspaceId}.key`);
}

function fromPrivate(privateKey: KeyObject): ReceiptSigningKey {
  const publicKey = createPublicKey(privateKey);
  const kid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
  return { privateKey, publicKey, kid };
}

/**
 * The workspace's receipt key, generated once (mode 0600) when `create` is true; undefined when absent otherwise.
 *
 * @example
 * const key = loadReceiptSigningKey(keyFiles.keysDir, workspaceId, { create: true })!;
 */
export function loadReceiptSigningKey(keysDir: string, workspaceId: string, options: { create: boolean }): ReceiptSigningKey | undefined {
  const file = fileOf(keysDir, workspaceId);
  if (!fs.existsSync(file)) {
    if (!options.create) return undefined;
    fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const privateKey = createPrivateKey(fs.readFileSync(file, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('a receipt signing key must be Ed25519');
  return fromPrivate(privateKey);
}
