import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import type { DialectName } from '../../src/db/database.ts';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { createFixedClock, type FixedClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const ownerEmail = 'owner@example.test';
export const ownerPassword = 'correct horse battery staple 42';

export interface TestApp {
  readonly app: App;
  readonly t: TestDatabase;
  readonly clock: FixedClock;
  readonly config: Config;
  readonly workspaceId: string;
}

/**
 * Builds a whole app (fresh database, first start done with a known owner, fixed clock) without listening.
 *
 * @example
 * const ctx = await createTestApp('sqlite');
 * const res = await ctx.app.inject({ method: 'GET', url: '/health' });
 */
export async function createTestApp(
  dialect: DialectName,
  env: Record<string, string> = {},
): Promise<TestApp & { close(): Promise<void> }> {
  const t = await createTestDatabase(dialect);
  const clock = createFixedClock('2026-03-02T10:00:00.000Z');
  const config = loadConfig({
    CUSTODIAN_MODE: 'test',
    CUSTODIAN_DATA_DIR: t.dataDir,
    CUSTODIAN_ADMIN_EMAIL: ownerEmail,
    CUSTODIAN_ADMIN_PASSWORD: ownerPassword,
    ...(t.postgresUrl ? { CUSTODIAN_DATABASE_URL: t.postgresUrl } : {}),
    ...env,
  });
  const first = await ensureFirstStart({ config, db: t.db, clock });
  const services = await createAppServices({ config, db: t.db, clock });
  const app = await buildApp({ config, db: t.db, clock, logger: false, ...services });
  await app.ready();
  return {
    app,
    t,
    clock,
    config,
    workspaceId: first.workspaceId,
    close: async () => {
      await app.close();
      await t.destroy();
    },
  };
}

/** Registers a test app for the surrounding `describe`, built before its tests and closed after. */
export function useTestApp(dialect: DialectName, env: Record<string, string> = {}): () => TestApp {
  let ctx: (TestApp & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    ctx = await createTestApp(dialect, env);
  });
  afterAll(async () => {
    await ctx?.close();
  });
  return () => {
    if (!ctx) throw new Error('test app not ready');
    return ctx;
  };
}
