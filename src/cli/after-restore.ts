import { appendAudit } from '../kernel/audit/audit-log.ts';
import { createAuditCheckpoints } from '../kernel/audit/audit-checkpoints.ts';
import { reapplyShredJournal } from '../kernel/crypto/reapply-shred-journal.ts';
import { finishShreddedErasures } from '../kernel/erasure/finish-shredded-erasures.ts';
import { reapplySuppressionJournal } from '../kernel/erasure/suppression-journal.ts';
import type { CliContext } from './cli-context.ts';

/** A step run after `custodian restore`, against the restored (and migrated) database. */
export type AfterRestoreStep = (ctx: CliContext) => Promise<void>;

/**
 * The restored audit chains end where the backup ended: sign a restore marker at each restored head, so that the
 * checkpoints of the abandoned timeline no longer count, then record the restore in each workspace's log.
 */
export const rebaseAuditCheckpoints: AfterRestoreStep = async (ctx) => {
  const checkpoints = createAuditCheckpoints({ keysDir: ctx.services.keyFiles.keysDir, dataDir: ctx.config.dataDir });
  await checkpoints.markRestored({ db: ctx.db.kysely, clock: ctx.clock });
  const heads = await ctx.db.kysely.selectFrom('audit_heads').select(['workspace_id', 'seq']).execute();
  for (const head of heads) {
    await ctx.db.kysely.transaction().execute((trx) =>
      appendAudit(trx, { dialect: ctx.db.dialect, clock: ctx.clock }, {
        workspaceId: head.workspace_id,
        actor: { type: 'system', id: 'cli' },
        action: 'backup.restore',
        outcome: 'allowed',
        details: { restoredHeadSeq: Number(head.seq) },
      }),
    );
  }
  await checkpoints.write({ db: ctx.db.kysely, clock: ctx.clock });
};

/**
 * Every step run after a restore, in order. The privacy kernel adds the shred-journal re-application here, so that
 * data keys destroyed after the backup was taken are destroyed again.
 *
 * @example
 * for (const step of afterRestoreSteps) await step(ctx);
 */
/**
 * Destroys again every data key the shred journal lists (a backup older than an erasure brings the key row back),
 * then finishes those persons' erasure in the database: values cleared, blind-index rows deleted, marked erased;
 * and inserts again the suppression entries (erased or objecting people) written after the backup was taken.
 */
export const reapplyErasures: AfterRestoreStep = async (ctx) => {
  await reapplyShredJournal({ db: ctx.db, keyFiles: ctx.services.keyFiles, clock: ctx.clock });
  await finishShreddedErasures(ctx.db.kysely);
  await reapplySuppressionJournal(ctx.db.kysely, ctx.services.keyFiles.keysDir);
};

export const afterRestoreSteps: AfterRestoreStep[] = [rebaseAuditCheckpoints, reapplyErasures];
