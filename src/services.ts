import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { AppServices } from './http/app-services.ts';
import type { Clock } from './kernel/clock.ts';
import { loadKeyFiles } from './kernel/crypto/key-files.ts';

/** Builds the shared services once (used by `main.ts`, the CLI and the test helpers). */
export async function createAppServices(deps: { config: Config; db: Db; clock: Clock }): Promise<AppServices> {
  const { config } = deps;
  const keyFiles = loadKeyFiles({ dataDir: config.dataDir, masterKey: config.masterKey });
  if (keyFiles.generated.length > 0 && config.mode !== 'test') {
    process.stderr.write(
      `warning: generated ${keyFiles.generated.join(' and ')} in ${keyFiles.keysDir}. ` +
        'Production must supply CUSTODIAN_MASTER_KEY and keep these files outside the database backups.\n',
    );
  }
  return { keyFiles };
}
