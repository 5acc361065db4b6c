import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Key material that never sits in the database:
 * - the key-encryption key (KEK), from `CUSTODIAN_MASTER_KEY` (base64, 32 bytes) or `<dataDir>/keys/master.key`;
 * - the server secret (`<dataDir>/keys/server.key`), from which the blind-index keys and the key sealing TOTP
 *   secrets are derived with HKDF. It is separate from the KEK so that rotating the KEK never changes an index.
 *
 * On an embedded first start without them, both are generated with mode 0600 and `generated` says so, so that the
 * caller can warn that production must supply its own.
 */
export interface KeyFiles {
  readonly keysDir: string;
  readonly masterKey: Buffer;
  readonly masterKeySource: 'env' | 'file';
  readonly serverSecret: Buffer;
  /** Names of the files this call created. */
  readonly generated: readonly string[];
}

function readOrCreate(file: string, generated: string[]): Buffer {
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${path.basename(file)} must hold 32 bytes in base64`);
    return key;
  }
  const key = randomBytes(32);
  fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  generated.push(path.basename(file));
  return key;
}

/**
 * @example
 * const keys = loadKeyFiles({ dataDir: config.dataDir, masterKey: config.masterKey });
 * const totpKey = deriveKey(keys.serverSecret, 'totp-secrets');
 */
export function loadKeyFiles(options: { dataDir: string; masterKey: string | undefined }): KeyFiles {
  const keysDir = path.join(options.dataDir, 'keys');
  fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const generated: string[] = [];
  let masterKey: Buffer;
  let masterKeySource: KeyFiles['masterKeySource'];
  if (options.masterKey) {
    masterKey = Buffer.from(options.masterKey, 'base64');
    if (masterKey.length !== 32) throw new Error('CUSTODIAN_MASTER_KEY must be 32 bytes in base64');
    masterKeySource = 'env';
  } else {
    masterKey = readOrCreate(path.join(keysDir, 'master.key'), generated);
    masterKeySource = 'file';
  }
  const serverSecret = readOrCreate(path.join(keysDir, 'server.key'), generated);
  return { keysDir, masterKey, masterKeySource, serverSecret, generated };
}

/** A 32-byte key for one use, derived from a root key with HKDF-SHA256 and a label. */
export function deriveKey(root: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `custodian:${label}`, 32));
}
