import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import type { DialectName } from '../../src/db/database.ts';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import type { AppServices } from '../../src/http/app-services.ts';
import { createFixedClock, type FixedClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';

export interface PeopleTestApp {
  readonly app: App;
  readonly t: TestDatabase;
  readonly clock: FixedClock;
  readonly config: Config;
  readonly services: AppServices;
  readonly workspaceId: string;
  /** Bearer headers by role key (owner, privacy_officer, sales, marketing, auditor). */
  readonly as: Record<'owner' | 'privacy_officer' | 'sales' | 'marketing' | 'auditor' | 'admin', { authorization: string }>;
}

/**
 * A whole app on a fresh database like `useTestApp`, but keeping the services (so a test can register an eraser or
 * read the key service) and with a bearer token per role.
 */
export function usePeopleTestApp(dialect: DialectName): () => PeopleTestApp {
  let ctx: PeopleTestApp | undefined;
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
    const app = await buildApp({ config, db: t.db, clock, logger: false, ...services });
    await app.ready();
    const as = {} as PeopleTestApp['as'];
    for (const role of ['owner', 'privacy_officer', 'sales', 'marketing', 'auditor', 'admin'] as const) {
      const token = await tokenForRole(t.db.kysely, first.workspaceId, role);
      as[role] = { authorization: `Bearer ${token}` };
    }
    ctx = { app, t, clock, config, services, workspaceId: first.workspaceId, as };
  });
  afterAll(async () => {
    await ctx?.app.close();
    await ctx?.t.destroy();
  });
  return () => {
    if (!ctx) throw new Error('test app not ready');
    return ctx;
  };
}

/** Inserts a user of the role with an API token; returns the bearer secret. */
export async function tokenForRole(db: Kysely<Database>, workspaceId: string, roleKey: string): Promise<string> {
  return (await insertTokenForRole(db, workspaceId, roleKey)).token;
}
