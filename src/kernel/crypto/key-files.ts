import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Key material that never sits in the database:
 * - the key-encryption keys (KEKs), by version, from `CUSTODIAN_MASTER_KEY` (base64, 32 bytes; plus
 *   `CUSTODIAN_MASTER_KEY_PREVIOUS` during a rotation) or from key files in `<dataDir>/keys/`: `master.key` is
 *   version 1, `master-vN.key` is version N, and `master.current` names the version new data keys are wrapped under;
 * - the server secret (`<dataDir>/keys/server.key`), from which the blind-index keys and the key sealing TOTP
 *   secrets are derived with HKDF. It is separate from the KEK so that rotating the KEK never changes an index.
 *
 * With the environment variables, versions are numbered in `<keysDir>/kek-versions.json`, which holds only a key
 * check value per version (an HMAC of a constant under the KEK, which reveals nothing of the key): a new key gets the
 * next number, and a key supplied as previous that is newer than the current one is refused.
 *
 * On an embedded first start without them, both are generated with mode 0600 and `generated` says so, so that the
 * caller can warn that production must supply its own.
 */
export interface KeyFiles {
  readonly keysDir: string;
  /** The current KEK: the one new data keys are wrapped under. */
  readonly masterKey: Buffer;
  readonly masterKeySource: 'env' | 'file';
  /** Version of `masterKey`. */
  readonly kekVersion: number;
  /** Every KEK this process can unwrap with, by version (the current one and, during a rotation, older ones). */
  readonly keks: ReadonlyMap<number, Buffer>;
  readonly serverSecret: Buffer;
  /** Names of the files this call created. */
  readonly generated: readonly string[];
}

export interface KeyFilesOptions {
  readonly dataDir: string;
  /** Base64 current KEK (`CUSTODIAN_MASTER_KEY`); absent means key files. */
  readonly masterKey: string | undefined;
  /** Base64 previous KEK (`CUSTODIAN_MASTER_KEY_PREVIOUS`), accepted for unwrapping while a rotation runs. */
  readonly masterKeyPrevious?: string | undefined;
}

/** Versions and keys of the KEKs found in a keys folder or the environment. */
export interface KekRing {
  readonly current: number;
  readonly keks: ReadonlyMap<number, Buffer>;
}

const pointerFile = 'master.current';
const registryFile = 'kek-versions.json';

function decodeKey(base64: string, name: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${name} must hold 32 bytes in base64`);
  return key;
}

function writeSecretFile(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
}

/** Replaces a small file atomically (write a temporary file, fsync, rename). */
function replaceFile(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function readOrCreate(file: string, generated: string[]): Buffer {
  if (fs.existsSync(file)) return decodeKey(fs.readFileSync(file, 'utf8'), path.basename(file));
  const key = randomBytes(32);
  writeSecretFile(file, `${key.toString('base64')}\n`);
  generated.push(path.basename(file));
  return key;
}

function kekFileName(version: number): string {
  return version === 1 ? 'master.key' : `master-v${version}.key`;
}

function kekFileVersion(name: string): number | undefined {
  if (name === 'master.key') return 1;
  const match = /^master-v([1-9]\d{0,8})\.key$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Reads every KEK file of a keys folder and the pointer to the current one (the highest version when there is no
 * pointer). Returns `undefined` when the folder holds no KEK file.
 *
 * @example
 * const ring = readKekFiles(keyFiles.keysDir); // { current: 2, keks: Map { 1 => …, 2 => … } }
 */
export function readKekFiles(keysDir: string): KekRing | undefined {
  const keks = new Map<number, Buffer>();
  for (const name of fs.readdirSync(keysDir)) {
    const version = kekFileVersion(name);
    if (version !== undefined)
      keks.set(version, decodeKey(fs.readFileSync(path.join(keysDir, name), 'utf8'), name));
  }
  if (keks.size === 0) return undefined;
  const pointer = path.join(keysDir, pointerFile);
  let current = Math.max(...keks.keys());
  if (fs.existsSync(pointer)) {
    current = Number(fs.readFileSync(pointer, 'utf8').trim());
    if (!keks.has(current))
      throw new Error(`${pointerFile} names KEK version ${current}, whose file is missing`);
  }
  return { current, keks };
}

/**
 * A stamp that changes whenever `master.current` is replaced, so a running server notices a new KEK version cheaply
 * (one `stat`) and reloads its ring.
 */
export function kekPointerStamp(keysDir: string): string {
  try {
    const stat = fs.statSync(path.join(keysDir, pointerFile));
    return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  } catch {
    return '';
  }
}

/**
 * Key-file mode: generates the next KEK version (`master-vN.key`, mode 0600) and then points `master.current` at it.
 * The old files stay: data keys wrapped under them are still unwrapped until `rotateMasterKey` has rewrapped them all.
 *
 * @example
 * const version = createNextKekVersion(keyFiles.keysDir); // 2
 */
export function createNextKekVersion(keysDir: string): number {
  const ring = readKekFiles(keysDir);
  const version = ring ? Math.max(...ring.keks.keys()) + 1 : 1;
  writeSecretFile(path.join(keysDir, kekFileName(version)), `${randomBytes(32).toString('base64')}\n`);
  replaceFile(path.join(keysDir, pointerFile), `${version}\n`);
  return version;
}

/** Key check value: identifies a KEK without revealing it. */
function checkValue(key: Buffer): string {
  return createHmac('sha256', key).update('custodian:kek-check-value').digest('hex').slice(0, 32);
}

/** Environment mode: numbers the supplied KEKs through the check-value registry in the keys folder. */
function envRing(keysDir: string, current: Buffer, previous: Buffer | undefined): KekRing {
  const file = path.join(keysDir, registryFile);
  const registry: Record<string, string> = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  let changed = false;
  const versionOf = (key: Buffer): number => {
    const check = checkValue(key);
    const found = Object.entries(registry).find(([, value]) => value === check);
    if (found) return Number(found[0]);
    const next = Math.max(0, ...Object.keys(registry).map(Number)) + 1;
    registry[String(next)] = check;
    changed = true;
    return next;
  };
  const keks = new Map<number, Buffer>();
  const previousVersion = previous ? versionOf(previous) : undefined;
  const currentVersion = versionOf(current);
  if (previousVersion !== undefined && previous) {
    if (previousVersion === currentVersion) {
      throw new Error('CUSTODIAN_MASTER_KEY_PREVIOUS is the same key as CUSTODIAN_MASTER_KEY');
    }
    if (previousVersion > currentVersion) {
      throw new Error('CUSTODIAN_MASTER_KEY_PREVIOUS is newer than CUSTODIAN_MASTER_KEY: are they swapped?');
    }
    keks.set(previousVersion, previous);
  }
  keks.set(currentVersion, current);
  if (changed) replaceFile(file, `${JSON.stringify(registry, null, 2)}\n`);
  return { current: currentVersion, keks };
}

/**
 * @example
 * const keys = loadKeyFiles({ dataDir: config.dataDir, masterKey: config.masterKey });
 * const totpKey = deriveKey(keys.serverSecret, 'totp-secrets');
 */
export function loadKeyFiles(options: KeyFilesOptions): KeyFiles {
  const keysDir = path.join(options.dataDir, 'keys');
  fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const generated: string[] = [];
  let ring: KekRing;
  let masterKeySource: KeyFiles['masterKeySource'];
  if (options.masterKey) {
    const current = decodeKey(options.masterKey, 'CUSTODIAN_MASTER_KEY');
    const previous = options.masterKeyPrevious
      ? decodeKey(options.masterKeyPrevious, 'CUSTODIAN_MASTER_KEY_PREVIOUS')
      : undefined;
    ring = envRing(keysDir, current, previous);
    masterKeySource = 'env';
  } else {
    if (options.masterKeyPrevious) {
      throw new Error('CUSTODIAN_MASTER_KEY_PREVIOUS needs CUSTODIAN_MASTER_KEY');
    }
    const found = readKekFiles(keysDir);
    if (found) {
      ring = found;
    } else {
      const key = readOrCreate(path.join(keysDir, kekFileName(1)), generated);
      ring = { current: 1, keks: new Map([[1, key]]) };
    }
    masterKeySource = 'file';
  }
  const serverSecret = readOrCreate(path.join(keysDir, 'server.key'), generated);
  const masterKey = ring.keks.get(ring.current);
  if (!masterKey) throw new Error('the current KEK is missing');
  return {
    keysDir,
    masterKey,
    masterKeySource,
    kekVersion: ring.current,
    keks: ring.keks,
    serverSecret,
    generated,
  };
}

/** A 32-byte key for one use, derived from a root key with HKDF-SHA256 and a label. */
export function deriveKey(root: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `custodian:${label}`, 32));
}
