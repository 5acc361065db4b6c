import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { AppServices } from './http/app-services.ts';
import type { Clock } from './kernel/clock.ts';

/** Builds the shared services once (used by `main.ts`, the CLI and the test helpers). */
export async function createAppServices(_deps: { config: Config; db: Db; clock: Clock }): Promise<AppServices> {
  return {};
}
