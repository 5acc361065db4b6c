import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { createNextKekVersion } from '../kernel/crypto/key-files.ts';
import { describeKeyStatus } from '../kernel/crypto/key-status.ts';
import { rotateMasterKey } from '../kernel/crypto/rotate-master-key.ts';
import { openCliContext } from './cli-context.ts';

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error('--batch-size must be a positive integer');
  return n;
}

/**
 * `custodian keys rotate`: rewraps every data key under a new KEK version while the server keeps serving.
 * With key files it generates the next version (`master-vN.key`) unless a previous rotation is unfinished, in which
 * case it finishes that one. With `CUSTODIAN_MASTER_KEY` it expects the new key there and the old one in
 * `CUSTODIAN_MASTER_KEY_PREVIOUS` (restart the servers with both first).
 *
 * `custodian keys status`: the current KEK version, live keys per version, destroyed keys.
 */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('key-encryption key and per-person data keys');

  keys
    .command('rotate')
    .description('rewrap every data key under a new key-encryption key version')
    .option('--batch-size <n>', 'data keys per transaction', positiveInt, 500)
    .action(async (options: { batchSize: number }) => {
      const ctx = await openCliContext();
      try {
        const { keyFiles } = ctx.services;
        const before = await describeKeyStatus({ db: ctx.db, keyFiles });
        if (keyFiles.masterKeySource === 'file') {
          if (before.pendingRotation === 0) {
            const version = createNextKekVersion(keyFiles.keysDir);
            console.log(`Generated KEK version ${version} in ${keyFiles.keysDir}.`);
          } else {
            console.log(`Resuming the rotation to KEK version ${before.currentKekVersion}.`);
          }
        } else if (keyFiles.keks.size < 2 && before.pendingRotation === 0) {
          console.log(
            'Nothing to rotate: put the new key in CUSTODIAN_MASTER_KEY and the old one in ' +
              'CUSTODIAN_MASTER_KEY_PREVIOUS (and restart the servers with both) first.',
          );
          return;
        }
        const bar = new cliProgress.SingleBar(
          { format: 'rewrapping [{bar}] {value}/{total} data keys' },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        const result = await rotateMasterKey({
          db: ctx.db,
          keyFiles,
          batchSize: options.batchSize,
          onProgress: (done, total) => {
            if (!started) {
              bar.start(total, 0);
              started = true;
            }
            bar.setTotal(total);
            bar.update(done);
          },
        });
        if (started) bar.stop();
        console.log(
          `Rewrapped ${result.rewrapped} data keys; every live key is on KEK version ${result.kekVersion}.`,
        );
        if (keyFiles.masterKeySource === 'env') {
          console.log('You may now remove CUSTODIAN_MASTER_KEY_PREVIOUS and restart the servers.');
        } else {
          console.log(
            'Older master key files are no longer used; keep them only as long as backups that need them.',
          );
        }
      } finally {
        await ctx.close();
      }
    });

  keys
    .command('status')
    .description('show the current key-encryption key version and data keys per version')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = await openCliContext();
      try {
        const status = await describeKeyStatus({ db: ctx.db, keyFiles: ctx.services.keyFiles });
        if (options.json) {
          console.log(JSON.stringify(status, null, 2));
          return;
        }
        console.log(`KEK source: ${status.source}`);
        console.log(`Current KEK version: ${status.currentKekVersion}`);
        console.log(`KEK versions held: ${status.availableKekVersions.join(', ')}`);
        const versions = Object.entries(status.liveKeysByKekVersion);
        if (versions.length === 0) console.log('Live data keys: none');
        for (const [version, n] of versions) console.log(`Live data keys under version ${version}: ${n}`);
        console.log(`Waiting for rotation: ${status.pendingRotation}`);
        console.log(`Destroyed data keys: ${status.destroyed}`);
      } finally {
        await ctx.close();
      }
    });
}
