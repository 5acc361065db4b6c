import type { Db } from '../../db/database.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import { createBatchErasure, type BatchErasure } from '../../kernel/erasure/erase-people.ts';
import type { ErasurePipeline } from '../../kernel/erasure/erasure-pipeline.ts';
import type { SuppressionList } from '../../kernel/erasure/suppression-list.ts';
import type { PrivacyEvents } from '../../kernel/events/privacy-events.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { createRetentionPolicies, type RetentionPolicies } from './retention-policies.ts';
import { createRetentionSweeper, type RetentionSweeper } from './retention-sweeps.ts';

/** Retention: policies, the preview and the sweep (issue 6 item 8, ADR 0025). */
export interface RetentionArea {
  readonly policies: RetentionPolicies;
  readonly sweeper: RetentionSweeper;
  /** The batched entry point of the erasure pipeline the sweep uses (benchmarks call it directly). */
  readonly batchErasure: BatchErasure;
}

/**
 * @example
 * const retention = createRetentionArea({ db, clock, keys, fieldCipher, suppression, erasure, purposes, catalogue, serverSecret, journalDir, events });
 * await retention.sweeper.sweep(workspaceId, { trigger: 'cli', actor: { type: 'system', id: 'cli' } });
 */
export function createRetentionArea(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly suppression: SuppressionList;
  readonly erasure: ErasurePipeline;
  readonly purposes: PurposeRegister;
  readonly catalogue: Catalogue;
  readonly serverSecret: Buffer;
  /** The keys folder (shred and suppression journals). */
  readonly journalDir?: string;
  readonly events?: PrivacyEvents;
}): RetentionArea {
  const journal = deps.journalDir ? { journalDir: deps.journalDir } : {};
  const batchErasure = createBatchErasure({
    db: deps.db,
    clock: deps.clock,
    keys: deps.keys,
    fieldCipher: deps.fieldCipher,
    suppression: deps.suppression,
    erasers: deps.erasure.erasers,
    purposeFacts: (db, workspaceId) => deps.purposes.list(db, workspaceId),
    serverSecret: deps.serverSecret,
    ...journal,
    ...(deps.events ? { events: deps.events } : {}),
  });
  const policies = createRetentionPolicies({
    dialect: deps.db.dialect,
    clock: deps.clock,
    purposes: deps.purposes,
    catalogue: deps.catalogue,
  });
  const sweeper = createRetentionSweeper({
    db: deps.db,
    clock: deps.clock,
    policies,
    batch: batchErasure,
    pipeline: deps.erasure,
    ...(deps.events ? { events: deps.events } : {}),
  });
  return { policies, sweeper, batchErasure };
}
