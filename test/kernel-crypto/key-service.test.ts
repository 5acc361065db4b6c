import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError, type ErrorCode } from '../../src/errors.ts';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { createFieldCipher, type FieldBinding } from '../../src/kernel/crypto/field-cipher.ts';
import { loadKeyFiles, type KeyFiles } from '../../src/kernel/crypto/key-files.ts';
import { createKeyService, type DataKey, type KeyService } from '../../src/kernel/crypto/key-service.ts';
import { readShredJournal, shredJournalFile } from '../../src/kernel/crypto/shred-journal.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { insertWorkspace } from './crypto-support.ts';

/** The code of the AppError a call throws (fails the test when it does not throw one). */
async function codeOf(run: () => unknown): Promise<ErrorCode> {
  try {
    await run();
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe.each(testDialects)('per-person data keys and field cipher on %s', (dialect) => {
  let t: TestDatabase;
  let keyFiles: KeyFiles;
  let keys: KeyService;
  let workspaceId: string;
  let otherWorkspaceId: string;
  const clock = createFixedClock('2026-03-02T10:00:00.000Z');
  const cipher = createFieldCipher();

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    keyFiles = loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined });
    keys = createKeyService({ db: t.db, keyFiles, clock });
    workspaceId = await insertWorkspace(t.db);
    otherWorkspaceId = await insertWorkspace(t.db, 'Other');
  });
  afterAll(async () => {
    await t?.destroy();
  });

  const newKey = async (ws = workspaceId): Promise<{ personId: string; key: DataKey }> => {
    const personId = randomUUID();
    const key = await t.db.kysely.transaction().execute((trx) => keys.getOrCreateDataKey(trx, ws, personId));
    return { personId, key };
  };

  it('creates one random 256-bit key per person, wrapped (never stored in clear), and returns it again', async () => {
    const { personId, key } = await newKey();
    expect(key.key).toHaveLength(32);
    expect(key.version).toBe(1);
    const again = await t.db.kysely
      .transaction()
      .execute((trx) => keys.getOrCreateDataKey(trx, workspaceId, personId));
    expect(again.key.equals(key.key)).toBe(true);
    expect(again.keyId).toBe(key.keyId);
    // A second service (another process: nothing cached) unwraps the same key from the row.
    const fresh = createKeyService({ db: t.db, keyFiles, clock, cacheSize: 0 });
    expect((await fresh.getDataKey(t.db.kysely, workspaceId, personId)).key.equals(key.key)).toBe(true);
    const rows = await t.db.kysely
      .selectFrom('person_keys')
      .selectAll()
      .where('person_id', '=', personId)
      .execute();
    expect(rows).toHaveLength(1);
    const wrapped = Buffer.from(rows[0]!.wrapped_key);
    expect(wrapped).toHaveLength(60);
    expect(wrapped.includes(key.key)).toBe(false);
    expect(wrapped.includes(keyFiles.masterKey)).toBe(false);
    expect(rows[0]!.kek_version).toBe(1);
  });

  it('never writes the KEK or a data key into the database', async () => {
    const { key } = await newKey();
    const needles = [keyFiles.masterKey, key.key];
    if (dialect === 'sqlite') {
      t.db.sqlite!.pragma('wal_checkpoint(PASSIVE)');
      for (const file of [t.db.sqliteFile!, `${t.db.sqliteFile!}-wal`]) {
        if (!fs.existsSync(file)) continue;
        const bytes = fs.readFileSync(file);
        for (const needle of needles) expect(bytes.includes(needle)).toBe(false);
      }
    } else {
      const rows = await t.db.kysely.selectFrom('person_keys').select('wrapped_key').execute();
      for (const row of rows)
        for (const needle of needles) expect(Buffer.from(row.wrapped_key).includes(needle)).toBe(false);
    }
  });

  it('answers NOT_FOUND for a person without a key and keeps workspaces apart', async () => {
    const { personId } = await newKey();
    expect(await codeOf(() => keys.getDataKey(t.db.kysely, workspaceId, randomUUID()))).toBe('NOT_FOUND');
    expect(await keys.findDataKey(t.db.kysely, workspaceId, randomUUID())).toBeUndefined();
    // The same person id in another workspace is another key.
    expect(await codeOf(() => keys.getDataKey(t.db.kysely, otherWorkspaceId, personId))).toBe('NOT_FOUND');
  });

  it('refuses a wrapped key copied into another person row', async () => {
    const a = await newKey();
    const b = await newKey();
    const rowA = await t.db.kysely
      .selectFrom('person_keys')
      .selectAll()
      .where('id', '=', a.key.keyId)
      .executeTakeFirstOrThrow();
    await t.db.kysely
      .updateTable('person_keys')
      .set({ wrapped_key: Buffer.from(rowA.wrapped_key) })
      .where('id', '=', b.key.keyId)
      .execute();
    const fresh = createKeyService({ db: t.db, keyFiles, clock, cacheSize: 0 });
    expect(await codeOf(() => fresh.getDataKey(t.db.kysely, workspaceId, b.personId))).toBe(
      'DECRYPTION_FAILED',
    );
  });

  describe('field cipher', () => {
    let person: { personId: string; key: DataKey };
    let binding: FieldBinding;
    const secret = 'ada.lovelace@example.com';

    beforeAll(async () => {
      person = await newKey();
      binding = { workspaceId, table: 'people', column: 'email', rowId: person.personId };
    });

    it('round-trips strings and JSON values, with a fresh nonce each time', () => {
      const a = cipher.encrypt(person.key, secret, binding);
      const b = cipher.encrypt(person.key, secret, binding);
      expect(a.equals(b)).toBe(false);
      expect(a.includes(Buffer.from(secret))).toBe(false);
      expect(a[0]).toBe(1);
      expect(cipher.keyVersionOf(a)).toBe(1);
      expect(a).toHaveLength(33 + Buffer.byteLength(secret));
      expect(cipher.decrypt(person.key, a, binding)).toBe(secret);
      const json = { street: 'Rue de la Paix 1', tags: ['vip', 2], ok: true, none: null };
      expect(cipher.decryptJson(person.key, cipher.encryptJson(person.key, json, binding), binding)).toEqual(
        json,
      );
      expect(cipher.decrypt(person.key, cipher.encrypt(person.key, '', binding), binding)).toBe('');
    });

    it('refuses a ciphertext moved to another row, column, table or workspace', () => {
      const stored = cipher.encrypt(person.key, secret, binding);
      const moves: FieldBinding[] = [
        { ...binding, rowId: randomUUID() },
        { ...binding, column: 'phone' },
        { ...binding, table: 'organizations' },
        { ...binding, workspaceId: otherWorkspaceId },
      ];
      for (const moved of moves) {
        let thrown: unknown;
        try {
          cipher.decrypt(person.key, stored, moved);
        } catch (error) {
          thrown = error;
        }
        expect(isAppError(thrown) && thrown.code).toBe('DECRYPTION_FAILED');
        // The error never carries the value.
        expect(JSON.stringify(isAppError(thrown) ? thrown.details : {})).not.toContain('ada');
        expect(String((thrown as Error).message)).not.toContain('ada');
      }
    });

    it('refuses a ciphertext with any single bit flipped', () => {
      const stored = cipher.encrypt(person.key, secret, binding);
      for (let byte = 0; byte < stored.length; byte += 1) {
        for (let bit = 0; bit < 8; bit += 1) {
          const altered = Buffer.from(stored);
          altered[byte]! ^= 1 << bit;
          expect(() => cipher.decrypt(person.key, altered, binding)).toThrowError(
            expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
          );
        }
      }
      expect(() => cipher.decrypt(person.key, stored.subarray(0, stored.length - 1), binding)).toThrowError(
        expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
      );
      expect(() => cipher.decrypt(person.key, stored.subarray(0, 10), binding)).toThrowError(
        expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
      );
    });

    it("refuses the wrong key version and another person's key", async () => {
      const stored = cipher.encrypt(person.key, secret, binding);
      const version2: DataKey = { ...person.key, version: 2 };
      expect(() => cipher.decrypt(version2, stored, binding)).toThrowError(
        expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
      );
      // Relabelling the envelope with the version the key claims does not help: the version is in the additional data.
      const relabelled = Buffer.from(stored);
      relabelled.writeUInt32BE(2, 1);
      expect(() => cipher.decrypt(version2, relabelled, binding)).toThrowError(
        expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
      );
      const other = await newKey();
      expect(() => cipher.decrypt(other.key, stored, binding)).toThrowError(
        expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
      );
    });
  });

  describe('destroying a key (crypto-shredding)', () => {
    it('answers KEY_DESTROYED afterwards, forgets the cached key, zeroes the row and journals ids only', async () => {
      const { personId, key } = await newKey();
      const binding = { workspaceId, table: 'people', column: 'email', rowId: personId };
      const stored = cipher.encrypt(key, 'grace@example.com', binding);
      await keys.getDataKey(t.db.kysely, workspaceId, personId);
      const cachedBefore = keys.cachedCount();
      const destroyed = await t.db.kysely
        .transaction()
        .execute((trx) => keys.destroyDataKey(trx, workspaceId, personId));
      expect(destroyed).toEqual({
        keyId: key.keyId,
        destroyedAt: '2026-03-02T10:00:00.000Z',
        alreadyDestroyed: false,
      });
      expect(keys.cachedCount()).toBe(cachedBefore - 1);
      expect(await codeOf(() => keys.getDataKey(t.db.kysely, workspaceId, personId))).toBe('KEY_DESTROYED');
      expect(await codeOf(() => keys.findDataKey(t.db.kysely, workspaceId, personId))).toBe('KEY_DESTROYED');
      expect(
        await codeOf(() =>
          t.db.kysely.transaction().execute((trx) => keys.getOrCreateDataKey(trx, workspaceId, personId)),
        ),
      ).toBe('KEY_DESTROYED');
      const fresh = createKeyService({ db: t.db, keyFiles, clock, cacheSize: 0 });
      expect(await codeOf(() => fresh.getDataKey(t.db.kysely, workspaceId, personId))).toBe('KEY_DESTROYED');
      const row = await t.db.kysely
        .selectFrom('person_keys')
        .selectAll()
        .where('id', '=', key.keyId)
        .executeTakeFirstOrThrow();
      expect(Buffer.from(row.wrapped_key).equals(Buffer.alloc(60))).toBe(true);
      expect(row.destroyed_at).toBe('2026-03-02T10:00:00.000Z');
      // Only ids and a time in the journal.
      const journal = readShredJournal(keyFiles.keysDir);
      expect(journal.at(-1)).toEqual({
        workspaceId,
        personId,
        keyId: key.keyId,
        destroyedAt: '2026-03-02T10:00:00.000Z',
      });
      const raw = fs.readFileSync(path.join(keyFiles.keysDir, shredJournalFile), 'utf8');
      expect(raw).not.toContain('grace');
      expect((fs.statSync(path.join(keyFiles.keysDir, shredJournalFile)).mode & 0o777).toString(8)).toBe(
        '600',
      );
      // The stored ciphertext is now beyond use: the only thing that could open it is gone.
      expect(stored.includes(Buffer.from('grace'))).toBe(false);
    });

    it('is idempotent and answers undefined for a person who never had a key', async () => {
      const { personId } = await newKey();
      const first = await t.db.kysely
        .transaction()
        .execute((trx) => keys.destroyDataKey(trx, workspaceId, personId));
      const lines = readShredJournal(keyFiles.keysDir).length;
      const second = await t.db.kysely
        .transaction()
        .execute((trx) => keys.destroyDataKey(trx, workspaceId, personId));
      expect(second).toEqual({
        keyId: first!.keyId,
        destroyedAt: first!.destroyedAt,
        alreadyDestroyed: true,
      });
      expect(readShredJournal(keyFiles.keysDir)).toHaveLength(lines);
      expect(
        await t.db.kysely.transaction().execute((trx) => keys.destroyDataKey(trx, workspaceId, randomUUID())),
      ).toBeUndefined();
    });

    it("does not touch another workspace's key of the same person id", async () => {
      const personId = randomUUID();
      await t.db.kysely.transaction().execute(async (trx) => {
        await keys.getOrCreateDataKey(trx, workspaceId, personId);
        await keys.getOrCreateDataKey(trx, otherWorkspaceId, personId);
      });
      await t.db.kysely.transaction().execute((trx) => keys.destroyDataKey(trx, otherWorkspaceId, personId));
      expect((await keys.getDataKey(t.db.kysely, workspaceId, personId)).key).toHaveLength(32);
    });
  });

  it('keeps at most cacheSize unwrapped keys, least recently used out first', async () => {
    const small = createKeyService({ db: t.db, keyFiles, clock, cacheSize: 3 });
    const people = await Promise.all([1, 2, 3, 4, 5].map(() => newKey()));
    for (const p of people) await small.getDataKey(t.db.kysely, workspaceId, p.personId);
    expect(small.cachedCount()).toBe(3);
    // A cached key is served without the database: prove it by removing the row behind it.
    await t.db.kysely.deleteFrom('person_keys').where('id', '=', people[4]!.key.keyId).execute();
    expect(
      (await small.getDataKey(t.db.kysely, workspaceId, people[4]!.personId)).key.equals(people[4]!.key.key),
    ).toBe(true);
    // The oldest was evicted: it comes from the database again.
    await t.db.kysely.deleteFrom('person_keys').where('id', '=', people[0]!.key.keyId).execute();
    expect(await codeOf(() => small.getDataKey(t.db.kysely, workspaceId, people[0]!.personId))).toBe(
      'NOT_FOUND',
    );
  });

  it('lets a cached key expire after the TTL so that a destroy by another process takes effect here', async () => {
    const ttlClock = createFixedClock('2026-03-02T10:00:00.000Z');
    const server = createKeyService({ db: t.db, keyFiles, clock: ttlClock, cacheTtlMs: 60_000 });
    const eraser = createKeyService({ db: t.db, keyFiles, clock: ttlClock });
    const { personId } = await newKey();
    await server.getDataKey(t.db.kysely, workspaceId, personId);
    await t.db.kysely.transaction().execute((trx) => eraser.destroyDataKey(trx, workspaceId, personId));
    ttlClock.advance(60_001);
    expect(await codeOf(() => server.getDataKey(t.db.kysely, workspaceId, personId))).toBe('KEY_DESTROYED');
  });

  it('a key created in a transaction that rolled back does not survive anywhere', async () => {
    const personId = randomUUID();
    await expect(
      t.db.kysely.transaction().execute(async (trx) => {
        await keys.getOrCreateDataKey(trx, workspaceId, personId);
        await keys.getDataKey(trx, workspaceId, personId);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    keys.forget(workspaceId, personId);
    expect(await keys.findDataKey(t.db.kysely, workspaceId, personId)).toBeUndefined();
    const created = await t.db.kysely
      .transaction()
      .execute((trx) => keys.getOrCreateDataKey(trx, workspaceId, personId));
    expect(
      (
        await createKeyService({ db: t.db, keyFiles, clock, cacheSize: 0 }).getDataKey(
          t.db.kysely,
          workspaceId,
          personId,
        )
      ).key.equals(created.key),
    ).toBe(true);
  });

  it('refuses a KEK of the wrong length and an unknown KEK version', async () => {
    expect(() => loadKeyFiles({ dataDir: t.dataDir, masterKey: randomBytes(16).toString('base64') })).toThrow(
      /32 bytes/,
    );
    const { personId, key } = await newKey();
    await t.db.kysely
      .updateTable('person_keys')
      .set({ kek_version: 99 })
      .where('id', '=', key.keyId)
      .execute();
    const fresh = createKeyService({ db: t.db, keyFiles, clock, cacheSize: 0 });
    expect(await codeOf(() => fresh.getDataKey(t.db.kysely, workspaceId, personId))).toBe('KEK_UNAVAILABLE');
  });
});
