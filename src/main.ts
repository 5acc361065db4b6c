import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, redactConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { ensureFirstStart } from './bootstrap.ts';
import { buildApp } from './http/app.ts';
import { systemClock } from './kernel/clock.ts';
import { createAppServices } from './services.ts';
import { createAuditCheckpoints } from './kernel/audit/audit-checkpoints.ts';
import { platformJobs } from './jobs/platform-jobs.ts';
import { createScheduler } from './jobs/scheduler.ts';

/**
 * The server entrypoint: config, database, migrations, first start, app, listen; SIGTERM/SIGINT close gracefully.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = openDatabase({
    postgresUrl: config.databaseUrl,
    sqliteFile: path.join(config.dataDir, 'custodian.db'),
    onPoolError: (error) => console.error(`database connection lost: ${error.message}`),
  });
  await migrateToLatest(db);
  const clock = systemClock;
  const first = await ensureFirstStart({ config, db, clock });
  const services = await createAppServices({ config, db, clock });
  const app = await buildApp({ config, db, clock, ...services });
  app.log.info({ config: redactConfig(config) }, 'configuration');
  await app.listen({ port: config.port, host: config.host });
  // Scheduled jobs; a lease in the database makes each period run once across server processes.
  const auditCheckpoints = createAuditCheckpoints({ keysDir: services.keyFiles.keysDir, dataDir: config.dataDir });
  const scheduler = createScheduler({
    db,
    clock,
    holderId: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    jobs: platformJobs.map((create) => create({ config, db, clock, services, auditCheckpoints })),
    onError: (job, error) => app.log.error({ job, code: (error as { code?: unknown }).code }, 'scheduled job failed'),
  });
  scheduler.start();
  // Anomaly detection (src/monitoring/alerts): tails the audit log every second; a lease keeps it to one process.
  const detector = services.alerts.detector(`${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, {
    onError: (error) => app.log.error({ code: (error as { code?: unknown }).code }, 'anomaly detection pass failed'),
  });
  detector.start();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await app.close();
    await scheduler.stop();
    await detector.stop();
    // A final checkpoint, so that the tail written since the last scheduled one is sealed too.
    await auditCheckpoints.write({ db: db.kysely, clock }).catch((error: unknown) => {
      app.log.error({ code: (error as { code?: unknown }).code }, 'final audit checkpoint failed');
    });
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  // Printed last, once the signal handlers are in place: a SIGTERM right after start still shuts down cleanly.
  const url = `${config.tls ? 'https' : 'http'}://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${(app.server.address() as AddressInfo).port}`;
  const banner = [`Custodian is running at ${url}`];
  if (first.generatedOwner) {
    banner.push(
      `First start: sign in as ${first.generatedOwner.email} with password ${first.generatedOwner.password}`,
      'This password is shown once. Change it under "My account" after signing in.',
    );
  }
  // The one place a credential is printed: the operator's terminal at first start, never the log.
  process.stdout.write(`\n${banner.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : 'start failed');
  process.exit(1);
});
