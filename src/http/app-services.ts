import type { KeyFiles } from '../kernel/crypto/key-files.ts';

/**
 * Long-lived services the app and the CLI share, built once by `createAppServices` (src/services.ts).
 * Each area adds what it provides here.
 */
export interface AppServices {
  /** KEK and server secret, loaded from outside the database. */
  readonly keyFiles: KeyFiles;
}
