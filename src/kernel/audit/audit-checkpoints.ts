import { sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../clock.ts';
import { genesisHash } from './audit-hash.ts';
import { loadAuditSigningKey, type AuditSigningKey } from './audit-signing-key.ts';

/**
 * One line of the checkpoint log. `kind: 'restore'` marks a restore from backup: checkpoints of the workspace past
 * `seq` belonged to the abandoned timeline and no longer count.
 */
export interface AuditCheckpoint {
  readonly workspaceId: string;
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
  readonly kind?: 'restore';
  /** Ed25519 signature (base64url) over the other fields. */
  readonly signature: string;
}

/** A checkpoint position a chain must pass through. */
export interface CheckpointMark {
  readonly seq: number;
  readonly hash: string;
}

export interface CheckpointLogProblem {
  /** 1-based line number in the checkpoint file. */
  readonly line: number;
  readonly workspaceId: string | null;
  readonly seq: number | null;
  readonly reason: 'checkpoint-unreadable' | 'checkpoint-signature-invalid';
}

/** The checkpoint file as read and verified: each workspace's checkpoints in force, sorted by seq. */
export interface CheckpointLog {
  readonly byWorkspace: ReadonlyMap<string, readonly CheckpointMark[]>;
  /** Lines whose signature was verified (in the scope read). */
  readonly verified: number;
  readonly problem: CheckpointLogProblem | undefined;
}

/** The signed checkpoint log kept outside the database (`<dataDir>/audit/checkpoints.jsonl`). */
export interface AuditCheckpoints {
  readonly file: string;
  /** Reads and verifies every line (of one workspace when `workspaceId` is given). */
  read(options?: { workspaceId?: string }): CheckpointLog;
  /**
   * Signs the current head of every workspace whose head moved since its last checkpoint and appends it.
   * Returns the number of lines written.
   */
  write(deps: { db: Kysely<Database>; clock: Clock }): Promise<number>;
  /** After a restore: appends a signed restore marker at every workspace's restored head. */
  markRestored(deps: { db: Kysely<Database>; clock: Clock }): Promise<number>;
}

const payloadTag = 'custodian-audit-checkpoint-v1';

function payload(c: Omit<AuditCheckpoint, 'signature'>): Buffer {
  return Buffer.from(JSON.stringify([payloadTag, c.kind ?? 'checkpoint', c.workspaceId, c.seq, c.hash, c.at]));
}

function isCheckpointShape(value: unknown): value is AuditCheckpoint {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.workspaceId === 'string' &&
    typeof v.seq === 'number' &&
    Number.isSafeInteger(v.seq) &&
    v.seq >= 0 &&
    typeof v.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(v.hash) &&
    typeof v.at === 'string' &&
    typeof v.signature === 'string' &&
    (v.kind === undefined || v.kind === 'restore')
  );
}

/**
 * The checkpoint log of one data folder, signed with the key in the keys folder.
 *
 * @example
 * const checkpoints = createAuditCheckpoints({ keysDir: keyFiles.keysDir, dataDir: config.dataDir });
 * await checkpoints.write({ db: db.kysely, clock });
 * const log = checkpoints.read();
 */
export function createAuditCheckpoints(options: { keysDir: string; dataDir: string }): AuditCheckpoints {
  const file = path.join(options.dataDir, 'audit', 'checkpoints.jsonl');
  let key: AuditSigningKey | undefined;
  const signingKey = () => (key ??= loadAuditSigningKey(options.keysDir));
  // Last checkpointed head per workspace, learnt from the file once, so that an unchanged head is not re-signed.
  let lastWritten: Map<string, number> | undefined;

  function read(scope: { workspaceId?: string } = {}): CheckpointLog {
    const byWorkspace = new Map<string, CheckpointMark[]>();
    let verified = 0;
    if (!fs.existsSync(file)) return { byWorkspace, verified, problem: undefined };
    const { publicKey } = signingKey();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!.trim();
      if (text === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!isCheckpointShape(parsed)) {
        const loose = (parsed ?? {}) as Record<string, unknown>;
        return {
          byWorkspace,
          verified,
          problem: {
            line: i + 1,
            workspaceId: typeof loose.workspaceId === 'string' ? loose.workspaceId : null,
            seq: typeof loose.seq === 'number' ? loose.seq : null,
            reason: 'checkpoint-unreadable',
          },
        };
      }
      const c = parsed;
      if (scope.workspaceId !== undefined && c.workspaceId !== scope.workspaceId) continue;
      if (!verify(null, payload(c), publicKey, Buffer.from(c.signature, 'base64url'))) {
        return {
          byWorkspace,
          verified,
          problem: { line: i + 1, workspaceId: c.workspaceId, seq: c.seq, reason: 'checkpoint-signature-invalid' },
        };
      }
      verified++;
      let marks = byWorkspace.get(c.workspaceId);
      if (!marks) byWorkspace.set(c.workspaceId, (marks = []));
      if (c.kind === 'restore') {
        const kept = marks.filter((m) => m.seq < c.seq);
        marks.length = 0;
        marks.push(...kept);
      }
      marks.push({ seq: c.seq, hash: c.hash });
    }
    for (const marks of byWorkspace.values()) marks.sort((a, b) => a.seq - b.seq);
    return { byWorkspace, verified, problem: undefined };
  }

  function append(entries: Omit<AuditCheckpoint, 'signature'>[]): void {
    if (entries.length === 0) return;
    const { privateKey } = signingKey();
    const text = entries
      .map((c) => `${JSON.stringify({ ...c, signature: sign(null, payload(c), privateKey).toString('base64url') })}\n`)
      .join('');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, 'a', 0o644);
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  function known(): Map<string, number> {
    if (!lastWritten) {
      lastWritten = new Map();
      const log = read();
      for (const [workspaceId, marks] of log.byWorkspace) {
        const last = marks[marks.length - 1];
        if (last) lastWritten.set(workspaceId, last.seq);
      }
    }
    return lastWritten;
  }

  return {
    file,
    read,
    async write({ db, clock }) {
      const heads = await db.selectFrom('audit_heads').select(['workspace_id', 'seq', 'hash']).execute();
      const seen = known();
      const at = clock.now().toISOString();
      const entries: Omit<AuditCheckpoint, 'signature'>[] = [];
      for (const head of heads) {
        const seq = Number(head.seq);
        if (seq === 0 || seen.get(head.workspace_id) === seq) continue;
        // Sign only a head the log itself agrees with.
        const row = await db
          .selectFrom('audit_log')
          .select('hash')
          .where('workspace_id', '=', head.workspace_id)
          .where('seq', '=', seq)
          .executeTakeFirst();
        if (row?.hash !== head.hash) {
          throw new AppError('AUDIT_CHAIN_BROKEN', { workspaceId: head.workspace_id, seq, reason: 'head-mismatch' });
        }
        entries.push({ workspaceId: head.workspace_id, seq, hash: head.hash, at });
      }
      append(entries);
      for (const e of entries) seen.set(e.workspaceId, e.seq);
      return entries.length;
    },
    async markRestored({ db, clock }) {
      const heads = await db.selectFrom('audit_heads').select(['workspace_id', 'seq', 'hash']).execute();
      const at = clock.now().toISOString();
      const entries: Omit<AuditCheckpoint, 'signature'>[] = heads.map((h) => ({
        workspaceId: h.workspace_id,
        seq: Number(h.seq),
        hash: Number(h.seq) === 0 ? genesisHash : h.hash,
        at,
        kind: 'restore' as const,
      }));
      // Workspaces that did not exist yet when the backup was taken: their checkpoints no longer count.
      const present = new Set(heads.map((h) => h.workspace_id));
      for (const workspaceId of read().byWorkspace.keys()) {
        if (!present.has(workspaceId)) entries.push({ workspaceId, seq: 0, hash: genesisHash, at, kind: 'restore' });
      }
      append(entries);
      lastWritten = undefined;
      return entries.length;
    },
  };
}
