import type { Db } from '../../db/database.ts';
import type { AuditCheckpoints, CheckpointLog, CheckpointMark } from './audit-checkpoints.ts';
import { withAuditChainReader, type AuditChainReader } from './audit-chain-reader.ts';
import { chainHash, genesisHash } from './audit-hash.ts';

/** Why an entry fails verification. */
export const auditBreakReasons = [
  /** The entry's hash does not recompute: its content was changed. */
  'hash-mismatch',
  /** The entry does not link to the one before it: inserted, reordered, or its predecessor rewritten. */
  'prev-hash-mismatch',
  /** The first entry does not start from the genesis hash. */
  'bad-genesis',
  /** The sequence skips this number: the entry was deleted. */
  'missing',
  /** The chain ends before its recorded head or a signed checkpoint: the tail was cut. */
  'truncated',
  /** Entries past the recorded head. */
  'beyond-head',
  /** The recorded head does not match the last entry, or is missing. */
  'head-mismatch',
  /** The chain passes a signed checkpoint with another hash: it was recomputed. */
  'checkpoint-mismatch',
  /** A line of the checkpoint file was edited or cannot be read. */
  'checkpoint-signature-invalid',
  'checkpoint-unreadable',
] as const;

export type AuditBreakReason = (typeof auditBreakReasons)[number];

/** The first entry that fails, named by workspace and sequence number. Holds no personal data. */
export interface AuditBreak {
  readonly workspaceId: string | null;
  readonly seq: number | null;
  readonly reason: AuditBreakReason;
  /** E.g. the checkpoint file line or the checkpoint's sequence number. */
  readonly detail?: string;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** Entries whose hash was recomputed. */
  readonly entries: number;
  readonly workspaces: number;
  /** Signed checkpoints verified. */
  readonly checkpoints: number;
  readonly firstBad?: AuditBreak;
}

export interface VerifyOptions {
  /** The signed checkpoint log; without it only the chain and the heads are checked. */
  readonly checkpoints?: Pick<AuditCheckpoints, 'read'>;
  /** Verify one workspace (the API) instead of all (the CLI). */
  readonly workspaceId?: string;
  /** Entries per keyset batch. */
  readonly batchSize?: number;
  /** SQLite: batches of at least this many bytes are hashed in worker threads (default 1 MiB; tests lower it). */
  readonly workerMinBytes?: number;
  /** Called after each batch with the running count (progress bars). */
  readonly onProgress?: (entries: number) => void;
}

type Outcome = { bad: AuditBreak } | { bad?: undefined; count: number; lastSeq: number; lastHash: string };

/**
 * Recomputes every workspace's chain in keyset batches on (workspace_id, seq) inside one snapshot, checks the
 * recorded heads, and checks the chain against the signed checkpoints kept outside the database. Stops at the first
 * bad entry. The checkpoint file is read before the snapshot is taken, so a checkpoint written meanwhile never
 * points past the snapshot.
 *
 * @example
 * const result = await verifyAuditChain(db, { checkpoints: services.auditCheckpoints });
 * if (!result.ok) console.error(result.firstBad); // { workspaceId, seq: 42, reason: 'hash-mismatch' }
 */
export async function verifyAuditChain(db: Db, options: VerifyOptions = {}): Promise<AuditVerification> {
  const scope = options.workspaceId === undefined ? {} : { workspaceId: options.workspaceId };
  const log: CheckpointLog = options.checkpoints?.read(scope) ?? {
    byWorkspace: new Map(),
    verified: 0,
    problem: undefined,
  };
  if (log.problem) {
    return {
      ok: false,
      entries: 0,
      workspaces: 0,
      checkpoints: log.verified,
      firstBad: {
        workspaceId: log.problem.workspaceId,
        seq: log.problem.seq,
        reason: log.problem.reason,
        detail: `checkpoint file line ${log.problem.line}`,
      },
    };
  }
  const batchSize = options.batchSize ?? (db.dialect === 'sqlite' ? 10_000 : 20_000);
  return withAuditChainReader(db, async (reader) => {
    const heads = await reader.heads(options.workspaceId);
    const withEntries = options.workspaceId === undefined ? await reader.workspaceIds() : [options.workspaceId];
    const ids = [...new Set([...heads.keys(), ...withEntries, ...log.byWorkspace.keys()])].sort();
    let entries = 0;
    const fail = (bad: AuditBreak): AuditVerification => ({
      ok: false,
      entries,
      workspaces: ids.length,
      checkpoints: log.verified,
      firstBad: bad,
    });
    for (const workspaceId of ids) {
      const chain = await verifyWorkspaceChain(reader, workspaceId, batchSize, (n) =>
        options.onProgress?.(entries + n),
      );
      if (chain.bad) return fail(chain.bad);
      entries += chain.count;
      const head = heads.get(workspaceId);
      const headBad = checkHead(workspaceId, head, chain.lastSeq, chain.lastHash);
      if (headBad) return fail(headBad);
      const marks = log.byWorkspace.get(workspaceId) ?? [];
      const cpBad = await checkCheckpoints(reader, workspaceId, marks, chain.lastSeq, chain.lastHash);
      if (cpBad) return fail(cpBad);
    }
    return { ok: true, entries, workspaces: ids.length, checkpoints: log.verified };
  }, options.workerMinBytes === undefined ? {} : { workerMinBytes: options.workerMinBytes });
}

async function verifyWorkspaceChain(
  reader: AuditChainReader,
  workspaceId: string,
  batchSize: number,
  onProgress: (entries: number) => void,
): Promise<Outcome> {
  let afterSeq = 0;
  let prev = genesisHash;
  let count = 0;
  for (;;) {
    const batch = await reader.fastBatch(workspaceId, afterSeq, batchSize);
    if (!batch) break;
    if (batch.flagged || batch.minSeq !== afterSeq + 1 || batch.firstPrevHash !== prev) {
      const exact = await verifyExactly(reader, workspaceId, afterSeq, prev, batch.maxSeq);
      if (exact) return { bad: exact };
    }
    count += batch.count;
    afterSeq = batch.maxSeq;
    prev = batch.lastHash;
    onProgress(count);
    // Let the server answer requests between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { count, lastSeq: afterSeq, lastHash: prev };
}

/** Entry by entry with `chainHash` (the definition), from `afterSeq` up to `untilSeq`: names the first bad entry. */
async function verifyExactly(
  reader: AuditChainReader,
  workspaceId: string,
  afterSeq: number,
  prevHash: string,
  untilSeq: number,
): Promise<AuditBreak | undefined> {
  let expected = afterSeq + 1;
  let prev = prevHash;
  let cursor = afterSeq;
  while (cursor < untilSeq) {
    const rows = await reader.exactRows(workspaceId, cursor, 1000);
    if (rows.length === 0) return undefined;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq > untilSeq) return undefined;
      if (seq !== expected) return { workspaceId, seq: expected, reason: 'missing' };
      if (row.prev_hash !== prev) {
        return { workspaceId, seq, reason: seq === 1 ? 'bad-genesis' : 'prev-hash-mismatch' };
      }
      if (chainHash(row.prev_hash, row) !== row.hash) return { workspaceId, seq, reason: 'hash-mismatch' };
      prev = row.hash;
      expected++;
      cursor = seq;
    }
  }
  return undefined;
}

function checkHead(
  workspaceId: string,
  head: { seq: number; hash: string } | undefined,
  lastSeq: number,
  lastHash: string,
): AuditBreak | undefined {
  if (!head) return lastSeq > 0 ? { workspaceId, seq: lastSeq, reason: 'head-mismatch', detail: 'no head' } : undefined;
  if (head.seq > lastSeq) {
    return { workspaceId, seq: lastSeq + 1, reason: 'truncated', detail: `head at ${head.seq}` };
  }
  if (head.seq < lastSeq) return { workspaceId, seq: head.seq + 1, reason: 'beyond-head' };
  if (head.hash !== lastHash) return { workspaceId, seq: lastSeq, reason: 'head-mismatch' };
  return undefined;
}

/**
 * A chain that links and passes the latest checkpoint is, up to that point, the chain that was signed (anything else
 * needs a SHA-256 collision), so the latest checkpoint is enough; the earlier ones narrow down where a recomputed
 * chain went wrong (matching is monotone, so a binary search finds the first mismatch).
 */
async function checkCheckpoints(
  reader: AuditChainReader,
  workspaceId: string,
  marks: readonly CheckpointMark[],
  lastSeq: number,
  lastHash: string,
): Promise<AuditBreak | undefined> {
  const latest = marks[marks.length - 1];
  if (!latest) return undefined;
  if (latest.seq > lastSeq) {
    return { workspaceId, seq: lastSeq + 1, reason: 'truncated', detail: `signed checkpoint at ${latest.seq}` };
  }
  const hashAt = async (seq: number) =>
    seq === 0 ? genesisHash : seq === lastSeq ? lastHash : await reader.hashAt(workspaceId, seq);
  if ((await hashAt(latest.seq)) === latest.hash) return undefined;
  let lo = 0;
  let hi = marks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const mark = marks[mid]!;
    if ((await hashAt(mark.seq)) === mark.hash) lo = mid + 1;
    else hi = mid;
  }
  const first = marks[lo]!;
  const after = lo > 0 ? marks[lo - 1]!.seq : 0;
  return {
    workspaceId,
    seq: first.seq,
    reason: 'checkpoint-mismatch',
    detail: `changed between entries ${after + 1} and ${first.seq}`,
  };
}
