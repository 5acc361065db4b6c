import { spawn } from 'node:child_process';
import path from 'node:path';
import { appendAudit } from '../../src/kernel/audit/audit-log.ts';
import { createAuditCheckpoints, type AuditCheckpoints } from '../../src/kernel/audit/audit-checkpoints.ts';
import { chainHash, genesisHash } from '../../src/kernel/audit/audit-hash.ts';
import type { StoredEntry } from '../../src/kernel/audit/audit-chain-reader.ts';
import { createFixedClock, type FixedClock } from '../../src/kernel/clock.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import type { TestDatabase } from '../support/test-database.ts';

const root = path.resolve(import.meta.dirname, '../..');

export interface SeededChain {
  readonly workspaceId: string;
  readonly clock: FixedClock;
  readonly checkpoints: AuditCheckpoints;
  append(count: number): Promise<void>;
}

/**
 * A workspace (without seeders) whose audit chain gets `count` entries, with the checkpoint log of the test's data
 * folder (the same files the CLI uses).
 */
export async function seedAuditChain(t: TestDatabase, count: number): Promise<SeededChain> {
  const clock = createFixedClock('2026-03-02T10:00:00.000Z');
  const workspaceId = await createWorkspace({ db: t.db.kysely, clock, seeders: [] }, { name: 'Audit test' });
  const checkpoints = createAuditCheckpoints({ keysDir: path.join(t.dataDir, 'keys'), dataDir: t.dataDir });
  const append = async (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(1000);
      await t.db.kysely.transaction().execute((trx) =>
        appendAudit(trx, { dialect: t.db.dialect, clock }, {
          workspaceId,
          actor: { type: 'user', id: `user-${i % 3}` },
          action: i % 2 ? 'user.update' : 'user.sign_in',
          outcome: i % 5 === 0 ? 'denied' : 'allowed',
          resourceType: 'user',
          resourceId: `user-${i % 4}`,
          subjectPseudonym: i % 3 === 0 ? `psn_${i}` : null,
          purpose: i % 2 ? 'crm' : null,
          requestId: `req-${i}`,
          ip: '127.0.0.1',
          details: { n: i, note: 'quote " backslash \\ tab \t unicode é ✓' },
        }),
      );
    }
  };
  await append(count);
  return { workspaceId, clock, checkpoints, append };
}

/** Every entry of a workspace, oldest first. */
export async function readChain(t: TestDatabase, workspaceId: string): Promise<StoredEntry[]> {
  const rows = await t.db.kysely
    .selectFrom('audit_log')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/**
 * What someone with database access but without the signing key can do: rewrite every entry from `fromSeq` with
 * recomputed hashes (optionally from a forged genesis) and move the head along.
 */
export async function rewriteChain(
  t: TestDatabase,
  workspaceId: string,
  change: (entry: StoredEntry) => StoredEntry,
  genesis = genesisHash,
): Promise<void> {
  const rows = await readChain(t, workspaceId);
  let prev = genesis;
  await t.db.kysely.transaction().execute(async (trx) => {
    for (const row of rows) {
      const changed = change({ ...row });
      const hash = chainHash(prev, changed);
      await trx
        .updateTable('audit_log')
        .set({ ...changed, prev_hash: prev, hash })
        .where('workspace_id', '=', workspaceId)
        .where('seq', '=', row.seq)
        .execute();
      prev = hash;
    }
    await trx.updateTable('audit_heads').set({ hash: prev }).where('workspace_id', '=', workspaceId).execute();
  });
}

export interface CliBinaryResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `custodian` binary (a child process) against the test's data folder and database. */
export function runCliBinary(t: TestDatabase, args: string[]): Promise<CliBinaryResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_MODE: 'test',
    };
    if (t.postgresUrl) env.CUSTODIAN_DATABASE_URL = t.postgresUrl;
    else delete env.CUSTODIAN_DATABASE_URL;
    const child = spawn(process.execPath, [path.join(root, 'bin/custodian.js'), ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
