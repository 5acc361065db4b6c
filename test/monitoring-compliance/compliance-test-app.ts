import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import type { DialectName } from '../../src/db/database.ts';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import type { AppServices } from '../../src/http/app-services.ts';
import { createFixedClock, type FixedClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';

export const roleKeys = ['owner', 'privacy_officer', 'sales', 'marketing', 'auditor', 'admin'] as const;

export interface ComplianceTestEnv {
  readonly t: TestDatabase;
  readonly clock: FixedClock;
  readonly config: Config;
  readonly services: AppServices;
  readonly workspaceId: string;
  /** Bearer headers by role key (a user with a token per role). */
  readonly as: Record<(typeof roleKeys)[number], { authorization: string }>;
  /** The HTTP app, built on first use (service-level tests do not need it). */
  app(): Promise<App>;
}

/**
 * A fresh database with the first start done, the services, a fixed clock and a token per role. The HTTP app is built
 * lazily, so that the service-level tests do not depend on every route file of the tree.
 */
export function useComplianceTestEnv(dialect: DialectName): () => ComplianceTestEnv {
  let env: ComplianceTestEnv | undefined;
  let app: App | undefined;
  beforeAll(async () => {
    const t = await createTestDatabase(dialect);
    const clock = createFixedClock('2026-03-02T10:00:00.000Z');
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
      CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
      ...(t.postgresUrl ? { CUSTODIAN_DATABASE_URL: t.postgresUrl } : {}),
    });
    const first = await ensureFirstStart({ config, db: t.db, clock });
    const services = await createAppServices({ config, db: t.db, clock });
    const as = {} as ComplianceTestEnv['as'];
    for (const role of roleKeys) {
      as[role] = {
        authorization: `Bearer ${(await insertTokenForRole(t.db.kysely, first.workspaceId, role)).token}`,
      };
    }
    env = {
      t,
      clock,
      config,
      services,
      workspaceId: first.workspaceId,
      as,
      app: async () => {
        if (!app) {
          app = await buildApp({ config, db: t.db, clock, logger: false, ...services });
          await app.ready();
        }
        return app;
      },
    };
  });
  afterAll(async () => {
    await app?.close();
    await env?.t.destroy();
  });
  return () => {
    if (!env) throw new Error('test environment not ready');
    return env;
  };
}
