import { hash } from 'node:crypto';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { ChainedFields } from './audit-hash.ts';

/** An audit row as stored: the chained fields plus its links. */
export interface StoredEntry extends ChainedFields {
  prev_hash: string;
  hash: string;
}

/**
 * A keyset batch checked by the database-specific fast path. `flagged` means something inside the batch did not
 * recompute (or could not be parsed): the verifier then re-checks the batch entry by entry with `chainHash`, which is
 * the definition. A fast path can only raise false alarms, never hide a break: passing needs a SHA-256 preimage.
 */
export interface FastBatch {
  readonly count: number;
  readonly minSeq: number;
  readonly maxSeq: number;
  /** `prev_hash` of the first entry, to link with the previous batch. */
  readonly firstPrevHash: string;
  /** `hash` of the last entry. */
  readonly lastHash: string;
  readonly flagged: boolean;
}

/** Read access to the audit tables inside one consistent snapshot. */
export interface AuditChainReader {
  heads(workspaceId?: string): Promise<Map<string, { seq: number; hash: string }>>;
  /** Workspaces that have at least one entry, in id order. */
  workspaceIds(): Promise<string[]>;
  fastBatch(workspaceId: string, afterSeq: number, limit: number): Promise<FastBatch | undefined>;
  exactRows(workspaceId: string, afterSeq: number, limit: number): Promise<StoredEntry[]>;
  hashAt(workspaceId: string, seq: number): Promise<string | undefined>;
}

const entryColumns =
  'workspace_id, seq, at, actor_type, actor_id, action, resource_type, resource_id, subject_pseudonym, purpose, ' +
  'outcome, request_id, ip, details, prev_hash, hash';

/**
 * Runs `fn` with a reader over one consistent snapshot: on SQLite a separate read-only connection in a read
 * transaction (WAL: writers go on; the server's event loop is never held for the whole scan), on PostgreSQL one
 * pooled connection in a REPEATABLE READ, READ ONLY transaction.
 *
 * @example
 * const n = await withAuditChainReader(db, async (reader) => (await reader.workspaceIds()).length);
 */
export async function withAuditChainReader<T>(
  db: Db,
  fn: (reader: AuditChainReader) => Promise<T>,
  options: ReaderOptions = {},
): Promise<T> {
  if (db.dialect === 'sqlite') return withSqliteReader(db, fn, options);
  return db.kysely.connection().execute(async (conn) => {
    await sql`begin isolation level repeatable read read only`.execute(conn);
    try {
      return await fn(postgresReader(conn));
    } finally {
      await sql`rollback`.execute(conn);
    }
  });
}

/** Tuning of the SQLite fast path. */
export interface ReaderOptions {
  /** Batches at least this large (bytes) are hashed in worker threads; smaller ones in this thread. */
  readonly workerMinBytes?: number;
}

async function withSqliteReader<T>(
  db: Db,
  fn: (reader: AuditChainReader) => Promise<T>,
  options: ReaderOptions,
): Promise<T> {
  const own = db.sqliteFile && db.sqliteFile !== ':memory:';
  const handle = own ? new SqliteDatabase(db.sqliteFile!, { readonly: true, fileMustExist: true }) : db.sqlite!;
  if (own) handle.pragma('busy_timeout = 5000');
  if (own) handle.exec('begin');
  const checker = createBlobChecker(options.workerMinBytes ?? 1 << 20);
  try {
    return await fn(sqliteReader(handle, checker));
  } finally {
    await checker.close();
    if (own) {
      handle.exec('rollback');
      handle.close();
    }
  }
}

function sqliteReader(handle: SqliteDatabase.Database, checker: BlobChecker): AuditChainReader {
  const headsAll = handle.prepare('select workspace_id, seq, hash from audit_heads').raw();
  const headsOne = handle.prepare('select workspace_id, seq, hash from audit_heads where workspace_id = ?').raw();
  const nextWorkspace = handle.prepare('select min(workspace_id) from audit_log where workspace_id > ?').pluck();
  // One blob per batch, per entry: the stored hash as 32 raw bytes, then as hex, then the hashed text itself
  // (`prev_hash LF canonical`, the canonical form built by SQLite's json_array: the same text as JSON.stringify for
  // the stored values), then RS. One Buffer per batch instead of a JavaScript string per column. A batch is a seq
  // range, so the next ones are known ahead and read while workers hash this one. Entries come in index order; were
  // they not, the links would fail and the exact path (which orders explicitly) would take over.
  const batch = handle
    .prepare(
      `select count(*), min(seq), max(seq), cast(group_concat(unhex(hash) || hash || prev_hash || char(10) ||
         json_array(workspace_id, seq, at, actor_type, actor_id, action, resource_type, resource_id,
         subject_pseudonym, purpose, outcome, request_id, ip, details) || char(30), '') as blob)
       from audit_log where workspace_id = ? and seq > ? and seq <= ?`,
    )
    .raw();
  const nextSeq = handle.prepare('select min(seq) from audit_log where workspace_id = ? and seq > ?').pluck();
  const exact = handle.prepare(
    `select ${entryColumns} from audit_log where workspace_id = ? and seq > ? order by seq limit ?`,
  );
  const at = handle.prepare('select hash from audit_log where workspace_id = ? and seq = ?').pluck();
  const ahead = new Map<string, Promise<FastBatch | undefined>>();
  let aheadWorkspace = '';

  function load(workspaceId: string, afterSeq: number, limit: number): Promise<FastBatch | undefined> {
    const row = batch.get(workspaceId, afterSeq, afterSeq + limit) as [number, number | null, number | null, Buffer | null];
    const [count, minSeq, maxSeq, blob] = row;
    if (!count || minSeq === null || maxSeq === null || !blob) {
      // An empty range is the end, or a gap of a whole batch: hand the gap to the exact path.
      const next = nextSeq.get(workspaceId, afterSeq) as number | null;
      if (next === null || next === undefined) return Promise.resolve(undefined);
      const seq = Number(next);
      return Promise.resolve({ count: 0, minSeq: seq, maxSeq: seq, firstPrevHash: '', lastHash: '', flagged: true });
    }
    return checker.check(blob, count).then((r) => ({ count, minSeq: Number(minSeq), maxSeq: Number(maxSeq), ...r }));
  }

  return {
    async heads(workspaceId) {
      const rows = (workspaceId === undefined ? headsAll.all() : headsOne.all(workspaceId)) as [string, number, string][];
      return new Map(rows.map(([w, seq, h]) => [w, { seq: Number(seq), hash: h }]));
    },
    async workspaceIds() {
      const ids: string[] = [];
      let last = '';
      for (;;) {
        const next = nextWorkspace.get(last) as string | null;
        if (next === null || next === undefined) return ids;
        ids.push(next);
        last = next;
      }
    },
    async fastBatch(workspaceId, afterSeq, limit) {
      if (workspaceId !== aheadWorkspace) {
        ahead.clear();
        aheadWorkspace = workspaceId;
      }
      const key = (after: number) => `${after}:${limit}`;
      const current = ahead.get(key(afterSeq)) ?? load(workspaceId, afterSeq, limit);
      ahead.delete(key(afterSeq));
      for (let k = 1; k <= checker.parallelism; k++) {
        const after = afterSeq + k * limit;
        if (!ahead.has(key(after))) {
          const next = load(workspaceId, after, limit);
          next.catch(() => undefined);
          ahead.set(key(after), next);
        }
      }
      return current;
    },
    async exactRows(workspaceId, afterSeq, limit) {
      return exact.all(workspaceId, afterSeq, limit) as StoredEntry[];
    },
    async hashAt(workspaceId, seq) {
      return (at.get(workspaceId, seq) as string | undefined) ?? undefined;
    },
  };
}

type CheckBlob = (blob: Buffer, count: number) => Pick<FastBatch, 'firstPrevHash' | 'lastHash' | 'flagged'>;

/**
 * Recomputes every entry of a SQLite batch blob (see `sqliteReader`) without allocating per entry beyond the digest:
 * offsets into one Buffer, native compares. An entry whose hash is not hex makes its line NULL, which group_concat
 * drops: the count then differs and the batch is flagged. Kept as plain JavaScript source so that the worker threads
 * run exactly the code this thread runs.
 */
const checkBlobSource = `function checkBlob(blob, count) {
  let flagged = false;
  let firstPrevHash = '';
  let lastHexAt = -1;
  let p = 0;
  let n = 0;
  while (p < blob.length) {
    const hexAt = p + 32;
    const prevAt = hexAt + 64;
    const end = blob.indexOf(30, prevAt + 65);
    if (end < 0 || blob[prevAt + 64] !== 10) return { firstPrevHash, lastHash: '', flagged: true };
    if (n === 0) firstPrevHash = blob.toString('latin1', prevAt, prevAt + 64);
    else if (blob.compare(blob, prevAt, prevAt + 64, lastHexAt, lastHexAt + 64) !== 0) flagged = true;
    const digest = hash('sha256', blob.subarray(prevAt, end), 'buffer');
    if (digest.compare(blob, p, hexAt) !== 0) flagged = true;
    lastHexAt = hexAt;
    p = end + 1;
    n++;
  }
  if (n !== count || lastHexAt < 0) flagged = true;
  const lastHash = lastHexAt < 0 ? '' : blob.toString('latin1', lastHexAt, lastHexAt + 64);
  return { firstPrevHash, lastHash, flagged };
}`;

// Built from our own constant source (the one the workers run), never from input.
const checkBlob = new Function('hash', `return (${checkBlobSource});`)(hash) as CheckBlob;

interface BlobChecker {
  /** Batches checked at once (read-ahead depth). */
  readonly parallelism: number;
  check(blob: Buffer, count: number): Promise<ReturnType<CheckBlob>>;
  close(): Promise<void>;
}

/**
 * Hashes large batches in worker threads (started on first need, as many as there are cores, at most 4), small ones
 * in this thread. The workers run `checkBlob`'s own source, so both paths are the same code.
 */
function createBlobChecker(workerMinBytes: number): BlobChecker {
  const size = Math.max(1, Math.min(4, os.availableParallelism()));
  const workers: Worker[] = [];
  const waiting = new Map<number, { resolve: (r: ReturnType<CheckBlob>) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const source = `
    const { parentPort } = require('node:worker_threads');
    const { hash } = require('node:crypto');
    const checkBlob = (${checkBlobSource});
    parentPort.on('message', ({ id, bytes, count }) => {
      const blob = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      parentPort.postMessage({ id, result: checkBlob(blob, count) });
    });`;
  const spawn = () => {
    const worker = new Worker(source, { eval: true });
    worker.unref();
    worker.on('message', ({ id, result }: { id: number; result: ReturnType<CheckBlob> }) => {
      waiting.get(id)?.resolve(result);
      waiting.delete(id);
    });
    worker.on('error', (error) => {
      for (const w of waiting.values()) w.reject(error);
      waiting.clear();
    });
    return worker;
  };
  return {
    parallelism: size > 1 ? size : 0,
    async check(blob, count) {
      if (size < 2 || blob.length < workerMinBytes) return checkBlob(blob, count);
      if (workers.length < size) workers.push(spawn());
      const id = nextId++;
      const worker = workers[id % workers.length]!;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, bytes: new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength), count });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

// The canonical form (see audit-hash.ts) built by PostgreSQL: to_json(text) escapes as JSON.stringify does.
const pgCanonical = `'[' || ${[
  'workspace_id',
  'seq',
  'at',
  'actor_type',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'subject_pseudonym',
  'purpose',
  'outcome',
  'request_id',
  'ip',
  'details',
]
  .map((c) => (c === 'seq' ? 'seq::text' : `coalesce(to_json(${c})::text, 'null')`))
  .join(` || ',' || `)} || ']'`;

function postgresReader(conn: Kysely<Database>): AuditChainReader {
  return {
    async heads(workspaceId) {
      const q = conn.selectFrom('audit_heads').select(['workspace_id', 'seq', 'hash']);
      const rows = await (workspaceId === undefined ? q : q.where('workspace_id', '=', workspaceId)).execute();
      return new Map(rows.map((r) => [r.workspace_id, { seq: Number(r.seq), hash: r.hash }]));
    },
    async workspaceIds() {
      const ids: string[] = [];
      let last = '';
      for (;;) {
        const row = await conn
          .selectFrom('audit_log')
          .select((eb) => eb.fn.min('workspace_id').as('w'))
          .where('workspace_id', '>', last)
          .executeTakeFirst();
        if (!row?.w) return ids;
        ids.push(row.w);
        last = row.w;
      }
    },
    async fastBatch(workspaceId, afterSeq, limit) {
      // PostgreSQL recomputes each hash itself (sha256 over the canonical text) and checks the links inside the
      // batch, so only a summary row crosses the wire.
      const result = await sql<{
        count: number;
        min_seq: number | null;
        max_seq: number | null;
        ok: boolean | null;
        first_prev: string | null;
        last_hash: string | null;
      }>`
        with b as materialized (
          select seq, prev_hash, hash,
            encode(sha256(convert_to(prev_hash || E'\\n' || ${sql.raw(pgCanonical)}, 'UTF8')), 'hex') = hash as ok,
            lag(hash) over (order by seq) as lag_hash
          from (select * from audit_log where workspace_id = ${workspaceId} and seq > ${afterSeq}
                order by seq limit ${limit}) t
        )
        select count(*)::int as count, min(seq) as min_seq, max(seq) as max_seq,
          bool_and(ok and (lag_hash is null or prev_hash = lag_hash)) as ok,
          (select prev_hash from b order by seq limit 1) as first_prev,
          (select hash from b order by seq desc limit 1) as last_hash
        from b`.execute(conn);
      const r = result.rows[0];
      if (!r || !r.count || r.min_seq === null || r.max_seq === null) return undefined;
      return {
        count: r.count,
        minSeq: Number(r.min_seq),
        maxSeq: Number(r.max_seq),
        firstPrevHash: r.first_prev ?? '',
        lastHash: r.last_hash ?? '',
        flagged: r.ok !== true || Number(r.max_seq) - Number(r.min_seq) + 1 !== r.count,
      };
    },
    async exactRows(workspaceId, afterSeq, limit) {
      const rows = await conn
        .selectFrom('audit_log')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows as StoredEntry[];
    },
    async hashAt(workspaceId, seq) {
      const row = await conn
        .selectFrom('audit_log')
        .select('hash')
        .where('workspace_id', '=', workspaceId)
        .where('seq', '=', seq)
        .executeTakeFirst();
      return row?.hash;
    },
  };
}
