import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { DialectName } from '../../src/db/database.ts';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import type { AppServices } from '../../src/http/app-services.ts';
import { createFixedClock, type FixedClock } from '../../src/kernel/clock.ts';
import type { PrivacyEvent } from '../../src/kernel/events/privacy-events.ts';
import type { AnomalyDetector } from '../../src/monitoring/alerts/anomaly-detector.ts';
import { createAppServices } from '../../src/services.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { useSmtpPeer, type ReceivedMail } from '../identity/smtp-peer.ts';

export const roles = ['owner', 'privacy_officer', 'sales', 'admin'] as const;

export interface AlertsTestApp {
  readonly app: App;
  readonly t: TestDatabase;
  readonly clock: FixedClock;
  readonly services: AppServices;
  readonly workspaceId: string;
  /** Bearer headers by role, and each token's user and token ids. */
  readonly as: Record<(typeof roles)[number], { authorization: string }>;
  readonly ids: Record<(typeof roles)[number], { userId: string; tokenId: string }>;
  /** The detector of this "process" (holder `test-detector`), run by hand. */
  readonly detector: AnomalyDetector;
  /** Privacy events emitted (the `alert.raised` ones are the detector's). */
  readonly events: PrivacyEvent[];
  readonly mail: { messages: ReceivedMail[]; waitFor(count: number): Promise<ReceivedMail[]> };
}

/**
 * A whole app on a fresh database (Monday 2026-03-02 10:00 UTC on a fixed clock), mail to a real SMTP peer in this
 * process, bearer tokens for four roles and a detector run by hand.
 */
export function useAlertsTestApp(dialect: DialectName): () => AlertsTestApp {
  const env: Record<string, string> = {};
  const mail = useSmtpPeer(env);
  let ctx: AlertsTestApp | undefined;
  beforeAll(async () => {
    const t = await createTestDatabase(dialect);
    const clock = createFixedClock('2026-03-02T10:00:00.000Z');
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
      CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
      CUSTODIAN_PUBLIC_URL: 'https://crm.example.test',
      ...(t.postgresUrl ? { CUSTODIAN_DATABASE_URL: t.postgresUrl } : {}),
      ...env,
    });
    const first = await ensureFirstStart({ config, db: t.db, clock });
    const services = await createAppServices({ config, db: t.db, clock });
    const events: PrivacyEvent[] = [];
    services.privacyEvents.subscribe(async (_trx, event) => {
      events.push(event);
    });
    const app = await buildApp({ config, db: t.db, clock, logger: false, ...services });
    await app.ready();
    const as = {} as AlertsTestApp['as'];
    const ids = {} as AlertsTestApp['ids'];
    for (const role of roles) {
      const made = await insertTokenForRole(t.db.kysely, first.workspaceId, role);
      as[role] = { authorization: `Bearer ${made.token}` };
      ids[role] = { userId: made.userId, tokenId: made.tokenId };
    }
    const detector = services.alerts.detector('test-detector', {
      onError: (error) => {
        throw error;
      },
    });
    ctx = { app, t, clock, services, workspaceId: first.workspaceId, as, ids, detector, events, mail };
  });
  afterAll(async () => {
    await ctx?.detector.stop();
    await ctx?.app.close();
    await ctx?.t.destroy();
  });
  return () => {
    if (!ctx) throw new Error('test app not ready');
    return ctx;
  };
}
