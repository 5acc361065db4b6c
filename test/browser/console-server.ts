import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { webDistDir } from '../../src/http/web-console.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import type { AppServices } from '../../src/http/app-services.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';

export interface ConsoleServer {
  readonly app: App;
  readonly t: TestDatabase;
  /** The server's services, for arranging data a test needs. */
  readonly services: AppServices;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * A real, listening server on a fresh SQLite database serving the built console: development mode (so the session
 * cookie works over plain HTTP on loopback) and the system clock (TOTP codes are computed from real time).
 *
 * @example
 * const server = await startConsoleServer();
 * await page.goto(server.baseUrl);
 */
export async function startConsoleServer(): Promise<ConsoleServer> {
  if (!fs.existsSync(path.join(webDistDir, 'index.html'))) {
    throw new Error('web/dist is missing: run `npm run test:browser`, which builds the console first');
  }
  const t = await createTestDatabase('sqlite');
  const config = loadConfig({
    CUSTODIAN_MODE: 'development',
    CUSTODIAN_DATA_DIR: t.dataDir,
    CUSTODIAN_ADMIN_EMAIL: ownerEmail,
    CUSTODIAN_ADMIN_PASSWORD: ownerPassword,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
  });
  const clock = systemClock;
  await ensureFirstStart({ config, db: t.db, clock });
  const services = await createAppServices({ config, db: t.db, clock });
  const app = await buildApp({ config, db: t.db, clock, logger: false, ...services });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server did not bind a TCP port');
  return {
    app,
    t,
    services,
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      await t.destroy();
    },
  };
}
