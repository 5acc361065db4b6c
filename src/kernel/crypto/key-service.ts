import { randomUUID } from 'node:crypto';
import { timeOrderedUuid } from '../../db/time-ordered-uuid.ts';
import { randomPoolBytes } from './random-pool.ts';
import { sql, type CompiledQuery, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../clock.ts';
import { unwrapDataKey, wrapDataKey, wrappedKeyLength } from './data-key-wrap.ts';
import { createKekRing, type KekRing } from './kek-ring.ts';
import type { KeyFiles } from './key-files.ts';
import { appendShredJournal } from './shred-journal.ts';

/** A person's unwrapped data key. Never log it, never store it. */
export interface DataKey {
  /** `person_keys.id`: the key id cited by the shred journal and erasure certificates. */
  readonly keyId: string;
  /** Generation of the data key; the field cipher binds it into every ciphertext. */
  readonly version: number;
  /** The 32 key bytes. */
  readonly key: Buffer;
}

/** What `destroyDataKey` did. */
export interface DestroyedDataKey {
  readonly keyId: string;
  readonly destroyedAt: string;
  /** True when the key had already been destroyed (the call changed nothing). */
  readonly alreadyDestroyed: boolean;
}

/**
 * Per-person data keys. Every method takes the caller's transaction (or the plain Kysely handle) so the key row
 * commits with the change that needs it.
 */
export interface KeyService {
  /**
   * The person's data key, created (random 256 bits, wrapped under the current KEK) when there is none. One insert
   * on the create path. Throws `KEY_DESTROYED` when the person's key was shredded.
   */
  getOrCreateDataKey(trx: Kysely<Database>, workspaceId: string, personId: string): Promise<DataKey>;
  /**
   * New data keys for persons being created (no key yet), inserted in multi-row statements: the bulk create path.
   * Same order as `personIds`.
   */
  createDataKeys(trx: Kysely<Database>, workspaceId: string, personIds: readonly string[]): Promise<DataKey[]>;
  /** The person's data key (from the cache, or one indexed select). Throws `KEY_DESTROYED` or `NOT_FOUND`. */
  getDataKey(trx: Kysely<Database>, workspaceId: string, personId: string): Promise<DataKey>;
  /**
   * The data keys of several persons of one workspace: cached ones from memory, the others in one select per 500 ids,
   * unwrapped and cached. Persons whose key was shredded are left out of the map; a person without a key row throws
   * `NOT_FOUND`.
   */
  getDataKeys(trx: Kysely<Database>, workspaceId: string, personIds: readonly string[]): Promise<Map<string, DataKey>>;
  /** Same as `getDataKey` but `undefined` when the person has no key; still throws `KEY_DESTROYED`. */
  findDataKey(trx: Kysely<Database>, workspaceId: string, personId: string): Promise<DataKey | undefined>;
  /**
   * Crypto-shreds the person: records the key in the shred journal (fsync), overwrites the wrapped key with zeros,
   * sets `destroyed_at`, forgets the cached key. Idempotent. `undefined` when the person never had a key.
   * Irreversible once the journal line is written, even if the transaction later rolls back: call it last.
   */
  destroyDataKey(
    trx: Kysely<Database>,
    workspaceId: string,
    personId: string,
  ): Promise<DestroyedDataKey | undefined>;
  /** Drops one person's cached key (or every cached key). */
  forget(workspaceId?: string, personId?: string): void;
  /** Number of unwrapped keys held in memory (for tests and metrics). */
  cachedCount(): number;
  /** The KEK ring this service wraps and unwraps with. */
  readonly ring: KekRing;
}

export interface KeyServiceDeps {
  readonly db: Db;
  readonly keyFiles: KeyFiles;
  readonly clock: Clock;
  /** Most unwrapped keys kept in memory (least recently used evicted first). Default 10,000. */
  readonly cacheSize?: number;
  /**
   * How long an unwrapped key stays cached, in ms. Bounds how long another process's destroy can go unnoticed here
   * (in this process a destroy evicts at once). Default 60,000.
   */
  readonly cacheTtlMs?: number;
}

interface KeyRow {
  id: string;
  key_version: number;
  kek_version: number;
  wrapped_key: Uint8Array;
  destroyed_at: string | null;
}

interface CacheEntry {
  readonly dataKey: DataKey;
  readonly expiresAt: number;
}

const cacheKey = (workspaceId: string, personId: string): string => `${workspaceId}\u0000${personId}`;

/**
 * @example
 * const keys = createKeyService({ db, keyFiles, clock, cacheSize: 10_000 });
 * await db.kysely.transaction().execute(async (trx) => {
 *   const key = await keys.getOrCreateDataKey(trx, workspaceId, personId);
 *   const email = fieldCipher.encrypt(key, 'ada@example.com', { workspaceId, table: 'people', column: 'email', rowId: personId });
 * });
 */
export function createKeyService(deps: KeyServiceDeps): KeyService {
  const { db, keyFiles, clock } = deps;
  const cacheSize = deps.cacheSize ?? 10_000;
  const cacheTtlMs = deps.cacheTtlMs ?? 60_000;
  const ring = createKekRing(keyFiles);
  const cache = new Map<string, CacheEntry>();
  // Keys destroyed by this process: never cached again, even by a reader that fetched the row before the destroy
  // committed. Bounded; erasures are rare.
  const shredded = new Set<string>();

  // The hot-path select is compiled once; each call only swaps the parameters.
  const selectTemplate = db.kysely
    .selectFrom('person_keys')
    .select(['id', 'key_version', 'kek_version', 'wrapped_key', 'destroyed_at'])
    .where('workspace_id', '=', '?')
    .where('person_id', '=', '?')
    .compile();

  // Same for the insert of the create path: parameters in column order.
  const insertTemplate = db.kysely
    .insertInto('person_keys')
    .values({
      id: '?',
      workspace_id: '?',
      person_id: '?',
      key_version: sql<number>`1`,
      kek_version: 0,
      wrapped_key: Buffer.alloc(0),
      created_at: '?',
      destroyed_at: sql<null>`null`,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'person_id']).doNothing())
    .compile();
  if (insertTemplate.parameters.length !== 6) throw new Error('unexpected insert template');

  const selectRow = async (
    trx: Kysely<Database>,
    workspaceId: string,
    personId: string,
  ): Promise<KeyRow | undefined> => {
    const query: CompiledQuery<KeyRow> = {
      ...selectTemplate,
      parameters: [workspaceId, personId],
    } as CompiledQuery<KeyRow>;
    const result = await trx.executeQuery(query);
    return result.rows[0];
  };

  const remember = (workspaceId: string, personId: string, dataKey: DataKey): void => {
    const k = cacheKey(workspaceId, personId);
    if (cacheSize <= 0 || shredded.has(k)) return;
    cache.delete(k);
    cache.set(k, { dataKey, expiresAt: clock.now().getTime() + cacheTtlMs });
    while (cache.size > cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
  };

  const recall = (workspaceId: string, personId: string): DataKey | undefined => {
    const k = cacheKey(workspaceId, personId);
    const entry = cache.get(k);
    if (!entry) return undefined;
    cache.delete(k);
    if (entry.expiresAt <= clock.now().getTime()) return undefined;
    cache.set(k, entry);
    return entry.dataKey;
  };

  const unwrapRow = (workspaceId: string, personId: string, row: KeyRow): DataKey => {
    if (row.destroyed_at !== null) throw new AppError('KEY_DESTROYED', { keyId: row.id });
    const key = unwrapDataKey(ring.get(row.kek_version), row.wrapped_key, {
      workspaceId,
      personId,
      keyId: row.id,
      keyVersion: row.key_version,
      kekVersion: row.kek_version,
    });
    return { keyId: row.id, version: row.key_version, key };
  };

  const findDataKey: KeyService['findDataKey'] = async (trx, workspaceId, personId) => {
    const cached = recall(workspaceId, personId);
    if (cached) return cached;
    const row = await selectRow(trx, workspaceId, personId);
    if (!row) return undefined;
    const dataKey = unwrapRow(workspaceId, personId, row);
    remember(workspaceId, personId, dataKey);
    return dataKey;
  };

  return {
    ring,

    async getOrCreateDataKey(trx, workspaceId, personId) {
      const kek = ring.current();
      const keyId = randomUUID();
      const key = randomPoolBytes(32);
      const wrapped = wrapDataKey(kek.key, key, {
        workspaceId,
        personId,
        keyId,
        keyVersion: 1,
        kekVersion: kek.version,
      });
      // Insert first: one statement on the create path. The cache is not trusted here, so a key cached by a
      // transaction that rolled back can never stand in for a row that does not exist.
      const insert = {
        ...insertTemplate,
        parameters: [keyId, workspaceId, personId, kek.version, wrapped, clock.now().toISOString()],
      } as CompiledQuery;
      const result = await trx.executeQuery(insert);
      if (Number(result.numAffectedRows ?? 0n) === 1) return { keyId, version: 1, key };
      const row = await selectRow(trx, workspaceId, personId);
      if (!row) throw new AppError('CONFLICT', { detail: 'the data key row vanished while being created' });
      return unwrapRow(workspaceId, personId, row);
    },

    async createDataKeys(trx, workspaceId, personIds) {
      const kek = ring.current();
      const createdAt = clock.now().toISOString();
      const made: DataKey[] = [];
      const rows: Insertable<Database['person_keys']>[] = [];
      for (const personId of personIds) {
        // Time-ordered: a bulk create's keys go at the end of the key indexes (ADR 0032).
        const keyId = timeOrderedUuid();
        const key = randomPoolBytes(32);
        const wrapped = wrapDataKey(kek.key, key, { workspaceId, personId, keyId, keyVersion: 1, kekVersion: kek.version });
        made.push({ keyId, version: 1, key });
        rows.push({ id: keyId, workspace_id: workspaceId, person_id: personId, key_version: 1, kek_version: kek.version, wrapped_key: wrapped, created_at: createdAt, destroyed_at: null });
      }
      // 8 parameters a row: 2,000 rows stay under both databases' parameter limits.
      for (let i = 0; i < rows.length; i += 2000) await trx.insertInto('person_keys').values(rows.slice(i, i + 2000)).execute();
      return made;
    },

    async getDataKey(trx, workspaceId, personId) {
      const dataKey = await findDataKey(trx, workspaceId, personId);
      if (!dataKey) throw new AppError('NOT_FOUND', { resource: 'data_key' });
      return dataKey;
    },

    findDataKey,

    async getDataKeys(trx, workspaceId, personIds) {
      const found = new Map<string, DataKey>();
      const missing: string[] = [];
      for (const personId of new Set(personIds)) {
        const cached = recall(workspaceId, personId);
        if (cached) found.set(personId, cached);
        else missing.push(personId);
      }
      for (let i = 0; i < missing.length; i += 500) {
        const part = missing.slice(i, i + 500);
        const rows = await trx
          .selectFrom('person_keys')
          .select(['id', 'person_id', 'key_version', 'kek_version', 'wrapped_key', 'destroyed_at'])
          .where('workspace_id', '=', workspaceId)
          .where('person_id', 'in', part)
          .execute();
        const byPerson = new Map(rows.map((r) => [r.person_id, r]));
        for (const personId of part) {
          const row = byPerson.get(personId);
          if (!row) throw new AppError('NOT_FOUND', { resource: 'data_key' });
          if (row.destroyed_at !== null) continue;
          const dataKey = unwrapRow(workspaceId, personId, row);
          remember(workspaceId, personId, dataKey);
          found.set(personId, dataKey);
        }
      }
      return found;
    },

    async destroyDataKey(trx, workspaceId, personId) {
      const k = cacheKey(workspaceId, personId);
      shredded.add(k);
      if (shredded.size > 100_000) shredded.delete(shredded.values().next().value as string);
      cache.delete(k);
      const row = await forUpdate(
        trx
          .selectFrom('person_keys')
          .select(['id', 'destroyed_at'])
          .where('workspace_id', '=', workspaceId)
          .where('person_id', '=', personId),
        db.dialect,
      ).executeTakeFirst();
      if (!row) return undefined;
      if (row.destroyed_at !== null) {
        return { keyId: row.id, destroyedAt: row.destroyed_at, alreadyDestroyed: true };
      }
      const destroyedAt = clock.now().toISOString();
      appendShredJournal(keyFiles.keysDir, { workspaceId, personId, keyId: row.id, destroyedAt });
      await trx
        .updateTable('person_keys')
        .set({ wrapped_key: Buffer.alloc(wrappedKeyLength), destroyed_at: destroyedAt })
        .where('id', '=', row.id)
        .where('workspace_id', '=', workspaceId)
        .execute();
      cache.delete(k);
      return { keyId: row.id, destroyedAt, alreadyDestroyed: false };
    },

    forget(workspaceId, personId) {
      if (workspaceId === undefined || personId === undefined) cache.clear();
      else cache.delete(cacheKey(workspaceId, personId));
    },

    cachedCount() {
      return cache.size;
    },
  };
}
