import { AppError } from '../../errors.ts';
import { kekPointerStamp, readKekFiles, type KeyFiles } from './key-files.ts';

/**
 * The KEKs a running process can use. With key files it follows `master.current`: a `custodian keys rotate` run by
 * another process adds a version, and this ring picks it up on the next `current()` (one `stat`) or on the first
 * unknown version it is asked for, so the server keeps serving through a rotation with both versions accepted.
 */
export interface KekRing {
  /** The version and key new data keys are wrapped under. */
  current(): { readonly version: number; readonly key: Buffer };
  /** The KEK of a version; throws `KEK_UNAVAILABLE` when this process does not have it. */
  get(version: number): Buffer;
  /** Versions this process holds. */
  versions(): number[];
}

/**
 * @example
 * const ring = createKekRing(keyFiles);
 * const { version, key } = ring.current();
 */
export function createKekRing(keyFiles: KeyFiles): KekRing {
  let current = keyFiles.kekVersion;
  let keks = new Map(keyFiles.keks);
  const fromFiles = keyFiles.masterKeySource === 'file';
  let stamp = fromFiles ? kekPointerStamp(keyFiles.keysDir) : '';

  const reload = (): void => {
    const found = readKekFiles(keyFiles.keysDir);
    if (!found) return;
    current = found.current;
    keks = new Map(found.keks);
  };
  // The files may have changed since `keyFiles` was loaded (a rotation generated a version in between).
  if (fromFiles) reload();

  return {
    current() {
      if (fromFiles) {
        const now = kekPointerStamp(keyFiles.keysDir);
        if (now !== stamp) {
          stamp = now;
          reload();
        }
      }
      const key = keks.get(current);
      if (!key) throw new AppError('KEK_UNAVAILABLE', { kekVersion: current });
      return { version: current, key };
    },
    get(version) {
      let key = keks.get(version);
      if (!key && fromFiles) {
        stamp = kekPointerStamp(keyFiles.keysDir);
        reload();
        key = keks.get(version);
      }
      if (!key) throw new AppError('KEK_UNAVAILABLE', { kekVersion: version });
      return key;
    },
    versions() {
      return [...keks.keys()].sort((a, b) => a - b);
    },
  };
}
