import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../db/database.ts';
import { sql } from 'kysely';
import { binaryType as binaryTypeOf, forUpdate } from '../../db/dialect.ts';
import { unwrapDataKey, wrapDataKey } from './data-key-wrap.ts';
import { createKekRing } from './kek-ring.ts';
import type { KeyFiles } from './key-files.ts';
import type { KeyService } from './key-service.ts';

export interface RotateOptions {
  readonly db: Db;
  readonly keyFiles: KeyFiles;
  /** Keys rewrapped per transaction. Default 500. */
  readonly batchSize?: number;
  /** Called after each batch with the keys rewrapped so far and the number that needed it when counted. */
  readonly onProgress?: (done: number, total: number) => void;
  /** A key service of this process whose cache should forget the rewrapped keys. */
  readonly keys?: KeyService;
  /**
   * After a pass finds nothing left, wait this long (ms) and look once more, for keys wrapped under the old version
   * by a server that had not yet seen the new one. Default 1,000.
   */
  readonly settleMs?: number;
}

export interface RotateResult {
  /** The KEK version every live key is now wrapped under. */
  readonly kekVersion: number;
  readonly rewrapped: number;
  readonly batches: number;
}

interface Row {
  id: string;
  workspace_id: string;
  person_id: string;
  key_version: number;
  kek_version: number;
  wrapped_key: Uint8Array;
}

const transientCodes = new Set(['40001', '40P01', 'SQLITE_BUSY']);

/**
 * Rewraps every live data key (all workspaces: the KEK is the installation's) under the current KEK version, in
 * batches of one transaction each, selected by `kek_version`. The server keeps serving meanwhile: it unwraps with
 * either version, and its ring follows `master.current`. Idempotent and resumable: a second run finds nothing or
 * carries on where an interrupted one stopped. Destroyed keys are left alone (they hold zeros).
 *
 * @example
 * createNextKekVersion(keyFiles.keysDir);
 * const { rewrapped } = await rotateMasterKey({ db, keyFiles, onProgress: (done, total) => bar.update(done) });
 */
export async function rotateMasterKey(options: RotateOptions): Promise<RotateResult> {
  const { db } = options;
  const batchSize = options.batchSize ?? 500;
  const settleMs = options.settleMs ?? 1_000;
  const ring = createKekRing(options.keyFiles);
  const target = ring.current();
  let total = await countToRewrap(db, target.version);
  let rewrapped = 0;
  let batches = 0;
  let settled = false;
  for (;;) {
    const done = await withRetry(() => rewrapBatch(options, ring, target, batchSize));
    batches += done > 0 ? 1 : 0;
    rewrapped += done;
    if (rewrapped > total) total = rewrapped;
    options.onProgress?.(rewrapped, total);
    if (done > 0) continue;
    if (settled || settleMs <= 0) break;
    settled = true;
    await sleep(settleMs);
    const late = await countToRewrap(db, target.version);
    if (late === 0) break;
    total += late;
  }
  return { kekVersion: target.version, rewrapped, batches };
}

async function countToRewrap(db: Db, version: number): Promise<number> {
  const row = await db.kysely
    .selectFrom('person_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kek_version', '!=', version)
    .where('destroyed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function rewrapBatch(
  options: RotateOptions,
  ring: ReturnType<typeof createKekRing>,
  target: { version: number; key: Buffer },
  batchSize: number,
): Promise<number> {
  const { db } = options;
  const columnType = binaryTypeOf(db.dialect);
  const binaryType = typeof columnType === 'string' ? sql.raw(columnType) : columnType;
  const rewrapped = await db.kysely.transaction().execute(async (trx) => {
    const rows: Row[] = await forUpdate(
      trx
        .selectFrom('person_keys')
        .select(['id', 'workspace_id', 'person_id', 'key_version', 'kek_version', 'wrapped_key'])
        .where('kek_version', '!=', target.version)
        .where('destroyed_at', 'is', null)
        .orderBy('id')
        .limit(batchSize),
      db.dialect,
    ).execute();
    if (rows.length === 0) return rows;
    const cases = rows.map((row) => {
      const binding = {
        workspaceId: row.workspace_id,
        personId: row.person_id,
        keyId: row.id,
        keyVersion: row.key_version,
      };
      const dataKey = unwrapDataKey(ring.get(row.kek_version), row.wrapped_key, {
        ...binding,
        kekVersion: row.kek_version,
      });
      const wrapped = wrapDataKey(target.key, dataKey, { ...binding, kekVersion: target.version });
      dataKey.fill(0);
      return sql`when ${row.id} then cast(${wrapped} as ${binaryType})`;
    });
    // One statement per batch (a round trip per key would dominate on PostgreSQL). A key destroyed meanwhile by
    // another process keeps its zeros: `destroyed_at is null` is checked again here.
    await trx
      .updateTable('person_keys')
      .set({
        wrapped_key: sql<Buffer>`case id ${sql.join(cases, sql` `)} end`,
        kek_version: target.version,
      })
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .where('kek_version', '!=', target.version)
      .where('destroyed_at', 'is', null)
      .execute();
    return rows;
  });
  for (const row of rewrapped) options.keys?.forget(row.workspace_id, row.person_id);
  return rewrapped.length;
}

/** Retries a batch that lost a deadlock or serialisation race with the live server (it rolled back whole). */
async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 5 || typeof code !== 'string' || !transientCodes.has(code)) throw error;
      await sleep(20 * attempt);
    }
  }
}
