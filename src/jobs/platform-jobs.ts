import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { AppServices } from '../http/app-services.ts';
import type { AuditCheckpoints } from '../kernel/audit/audit-checkpoints.ts';
import type { Clock } from '../kernel/clock.ts';
import { auditCheckpointJob } from './audit-checkpoint-job.ts';
import { governanceRemindersJob } from '../governance/organisation/governance-reminders-job.ts';
import { ropaSnapshotJob } from '../governance/ropa/ropa-snapshot-job.ts';
import type { Job } from './scheduler.ts';
import { retentionSweepJob } from '../rights/retention/retention-sweep-job.ts';
import { trainingJob } from '../governance/training/training-job.ts';
import { consentExpiryJob } from '../consent/records/consent-expiry-job.ts';
import { consentRenewalJob } from '../consent/records/consent-renewal-job.ts';
import { requestRemindersJob } from '../rights/requests/request-reminders-job.ts';
import { webhookDispatchJob } from '../webhooks/webhook-dispatch-job.ts';

import { complianceAuditJob } from '../monitoring/compliance/compliance-audit-job.ts';
import { portalOutboxJob } from '../rights/portal/portal-outbox-job.ts';
/** What a job factory may use. */
export interface PlatformJobDeps {
  readonly config: Config;
  readonly db: Db;
  readonly clock: Clock;
  readonly services: AppServices;
  /** The signed audit checkpoint log of this data folder. */
  readonly auditCheckpoints: AuditCheckpoints;
}

export type JobFactory = (deps: PlatformJobDeps) => Job;

/**
 * Every scheduled job of the server, started by `src/main.ts`. A feature with periodic work (retention sweeps,
 * request deadlines, breach clocks) adds its factory here.
 *
 * @example
 * const jobs = platformJobs.map((create) => create({ config, db, clock, services, auditCheckpoints }));
 */
export const platformJobs: readonly JobFactory[] = [
  (deps) => auditCheckpointJob({ db: deps.db, clock: deps.clock, checkpoints: deps.auditCheckpoints }),
  (deps) => governanceRemindersJob({ db: deps.db, clock: deps.clock, mailer: deps.services.mailer, governance: deps.services.governance }),
  (deps) => ropaSnapshotJob({ db: deps.db, ropa: deps.services.governance.ropa }),
  (deps) => consentExpiryJob({ db: deps.db, clock: deps.clock, consent: deps.services.consent }),
  (deps) => consentRenewalJob({ db: deps.db, clock: deps.clock, people: deps.services.people, purposes: deps.services.purposes, mail: deps.services.consentChannels.mail }),
  (deps) => webhookDispatchJob({ db: deps.db, clock: deps.clock, webhooks: deps.services.webhooks }),
  (deps) => trainingJob({ db: deps.db.kysely, dialect: deps.db.dialect, clock: deps.clock, mailer: deps.services.mailer }),
  (deps) => requestRemindersJob({ db: deps.db, clock: deps.clock, mailer: deps.services.mailer, requests: deps.services.requests, publicUrl: deps.config.publicUrl }),
  (deps) => complianceAuditJob({ db: deps.db.kysely, compliance: deps.services.compliance }),
  (deps) => retentionSweepJob({ db: deps.db, sweeper: deps.services.retention.sweeper }),
  (deps) => portalOutboxJob({ portal: deps.services.privacyPortal }),
];
