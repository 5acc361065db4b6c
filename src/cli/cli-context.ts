import path from 'node:path';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type Db } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { systemClock, type Clock } from '../kernel/clock.ts';
import type { AppServices } from '../http/app-services.ts';
import { createAppServices } from '../services.ts';

/** What a CLI command works with: the same config, database and services as the server. */
export interface CliContext {
  readonly config: Config;
  readonly db: Db;
  readonly clock: Clock;
  readonly services: AppServices;
  close(): Promise<void>;
}

/** Opens the configured database (migrated) and the services; `close()` when done. */
export async function openCliContext(options: { migrate?: boolean } = {}): Promise<CliContext> {
  const config = loadConfig();
  const db = openDatabase({ postgresUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'custodian.db') });
  if (options.migrate !== false) await migrateToLatest(db);
  const clock = systemClock;
  const services = await createAppServices({ config, db, clock });
  return { config, db, clock, services, close: () => db.close() };
}
