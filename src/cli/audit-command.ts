import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { AppError } from '../errors.ts';
import { createAuditCheckpoints } from '../kernel/audit/audit-checkpoints.ts';
import { verifyAuditChain, type AuditBreak } from '../kernel/audit/verify-audit-chain.ts';
import { openCliContext } from './cli-context.ts';

/** How a break is named on the terminal: workspace, entry and reason; never an entry's content. */
export function describeAuditBreak(bad: AuditBreak): string {
  const where = [
    bad.workspaceId === null ? undefined : `workspace ${bad.workspaceId}`,
    bad.seq === null ? undefined : `entry seq ${bad.seq}`,
  ].filter(Boolean);
  return `${where.join(', ') || 'checkpoint file'}: ${bad.reason}${bad.detail ? ` (${bad.detail})` : ''}`;
}

/**
 * `custodian audit verify`: recomputes every workspace's chain and checks it against the signed checkpoints.
 * Exit 0 with a summary when intact; otherwise AUDIT_CHAIN_BROKEN's exit code, naming the first bad entry.
 */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('audit log tools');
  audit
    .command('verify')
    .description('recompute the audit hash chains and check them against the signed checkpoints')
    .action(async () => {
      const ctx = await openCliContext();
      try {
        const checkpoints = createAuditCheckpoints({ keysDir: ctx.services.keyFiles.keysDir, dataDir: ctx.config.dataDir });
        const total = await ctx.db.kysely
          .selectFrom('audit_heads')
          .select((eb) => eb.fn.sum<number>('seq').as('n'))
          .executeTakeFirst();
        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar({ stream: process.stderr, format: 'verifying {bar} {value}/{total} entries' })
          : undefined;
        bar?.start(Number(total?.n ?? 0), 0);
        const started = performance.now();
        const result = await verifyAuditChain(ctx.db, { checkpoints, onProgress: (n) => bar?.update(n) });
        bar?.stop();
        const seconds = (performance.now() - started) / 1000;
        if (!result.ok && result.firstBad) {
          throw new AppError('AUDIT_CHAIN_BROKEN', { detail: `first bad entry: ${describeAuditBreak(result.firstBad)}` });
        }
        const rate = seconds > 0 ? Math.round(result.entries / seconds) : result.entries;
        console.log(
          `Audit log intact: ${result.entries} entries in ${result.workspaces} workspace(s), ` +
            `${result.checkpoints} signed checkpoint(s) verified, in ${seconds.toFixed(2)} s (${rate} entries/s).`,
        );
      } finally {
        await ctx.close();
      }
    });
}
