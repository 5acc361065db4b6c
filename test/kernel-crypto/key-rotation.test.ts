import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { isAppError } from '../../src/errors.ts';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { createFieldCipher } from '../../src/kernel/crypto/field-cipher.ts';
import { createNextKekVersion, loadKeyFiles, type KeyFiles } from '../../src/kernel/crypto/key-files.ts';
import { createKeyService, type KeyService } from '../../src/kernel/crypto/key-service.ts';
import { describeKeyStatus } from '../../src/kernel/crypto/key-status.ts';
import { rotateMasterKey } from '../../src/kernel/crypto/rotate-master-key.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { createValueTable, insertWorkspace } from './crypto-support.ts';

const cipher = createFieldCipher();
const clock = createFixedClock('2026-03-02T10:00:00.000Z');

describe.each(testDialects)('KEK rotation on %s', (dialect) => {
  let t: TestDatabase;
  let values: Kysely<any>;
  let workspaceId: string;

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    values = await createValueTable(t.db);
    workspaceId = await insertWorkspace(t.db);
  });
  afterEach(async () => {
    await t?.destroy();
  });

  /** Creates a person's key and stores one encrypted value for them, in one transaction (as the people table will). */
  const createPerson = async (keys: KeyService, label: string): Promise<string> => {
    const personId = randomUUID();
    const plaintext = `${label} ${randomBytes(6).toString('hex')}@example.com`;
    await t.db.kysely.transaction().execute(async (trx) => {
      const key = await keys.getOrCreateDataKey(trx, workspaceId, personId);
      const ciphertext = cipher.encrypt(key, plaintext, {
        workspaceId,
        table: 'crypto_test_values',
        column: 'ciphertext',
        rowId: personId,
      });
      await (trx as unknown as Kysely<any>)
        .insertInto('crypto_test_values')
        .values({ person_id: personId, workspace_id: workspaceId, plaintext, ciphertext })
        .execute();
    });
    return personId;
  };

  /** Reads a person's value back through a key service, as a request would. */
  const readPerson = async (keys: KeyService, personId: string): Promise<void> => {
    const row = await values
      .selectFrom('crypto_test_values')
      .selectAll()
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow();
    const key = await keys.getDataKey(t.db.kysely, workspaceId, personId);
    const plain = cipher.decrypt(key, row.ciphertext, {
      workspaceId,
      table: 'crypto_test_values',
      column: 'ciphertext',
      rowId: personId,
    });
    if (plain !== row.plaintext) throw new Error('a value changed');
  };

  /** Every stored value, decrypted by a service with nothing cached. */
  const verifyAll = async (keyFiles: KeyFiles): Promise<number> => {
    const fresh = createKeyService({ db: t.db, keyFiles, clock, cacheSize: 0 });
    const rows = await values.selectFrom('crypto_test_values').select('person_id').execute();
    for (const row of rows) await readPerson(fresh, row.person_id);
    return rows.length;
  };

  it('rewraps every key under the new version while creates and reads go on, losing and failing nothing', async () => {
    const keyFiles = loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined });
    // The server's own service (caches keys) and a second process's (caches nothing: every read unwraps).
    const server = createKeyService({ db: t.db, keyFiles, clock });
    const otherServer = createKeyService({ db: t.db, keyFiles, clock, cacheSize: 0 });
    const existing: string[] = [];
    for (let i = 0; i < 150; i += 1) existing.push(await createPerson(server, 'before'));

    const newVersion = createNextKekVersion(keyFiles.keysDir);
    expect(newVersion).toBe(2);
    const failures: unknown[] = [];
    let operations = 0;
    let rotating = true;
    const loop = async (n: number): Promise<void> => {
      let i = 0;
      // Each loop keeps working until the rotation has finished and it has done at least 25 operations.
      while (rotating || i < 25) {
        i += 1;
        // Requests arrive as I/O events: yield to the event loop as a server does between them (better-sqlite3
        // answers synchronously, so without this the loops would starve the rotation's timers).
        await new Promise((resolve) => setImmediate(resolve));
        try {
          const service = (n + i) % 2 === 0 ? server : otherServer;
          if (i % 3 === 0) existing.push(await createPerson(service, `during-${n}`));
          else await readPerson(service, existing[Math.floor(Math.random() * existing.length)]!);
          operations += 1;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const loops = Array.from({ length: 8 }, (_, n) => loop(n));
    const progress: number[] = [];
    const result = await rotateMasterKey({
      db: t.db,
      keyFiles,
      batchSize: 25,
      settleMs: 50,
      keys: server,
      onProgress: (done) => progress.push(done),
    });
    rotating = false;
    await Promise.all(loops);

    expect(failures).toEqual([]);
    expect(operations).toBeGreaterThanOrEqual(8 * 25);
    expect(result.kekVersion).toBe(2);
    expect(result.rewrapped).toBeGreaterThanOrEqual(150);
    expect(result.batches).toBeGreaterThanOrEqual(5);
    expect(progress.at(-1)).toBe(result.rewrapped);
    const versions = await t.db.kysely.selectFrom('person_keys').select('kek_version').distinct().execute();
    expect(versions.map((v) => v.kek_version)).toEqual([2]);
    const status = await describeKeyStatus({ db: t.db, keyFiles });
    expect(status).toMatchObject({
      currentKekVersion: 2,
      pendingRotation: 0,
      destroyed: 0,
      availableKekVersions: [1, 2],
    });
    expect(await verifyAll(keyFiles)).toBe(existing.length);

    // With the old KEK file gone, everything still opens: nothing depends on version 1 any more.
    const { default: fs } = await import('node:fs');
    fs.rmSync(`${keyFiles.keysDir}/master.key`);
    expect(await verifyAll(loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined }))).toBe(existing.length);
  }, 120_000);

  it('is idempotent and resumable: a second run finds nothing, an interrupted one is finished by the next', async () => {
    const keyFiles = loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined });
    const server = createKeyService({ db: t.db, keyFiles, clock });
    for (let i = 0; i < 30; i += 1) await createPerson(server, 'p');
    createNextKekVersion(keyFiles.keysDir);
    // Interrupt after the first batch.
    await expect(
      rotateMasterKey({
        db: t.db,
        keyFiles,
        batchSize: 10,
        settleMs: 0,
        onProgress: (done) => {
          if (done >= 10) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    expect((await describeKeyStatus({ db: t.db, keyFiles })).liveKeysByKekVersion).toEqual({ 1: 20, 2: 10 });
    const resumed = await rotateMasterKey({ db: t.db, keyFiles, batchSize: 10, settleMs: 0 });
    expect(resumed.rewrapped).toBe(20);
    const again = await rotateMasterKey({ db: t.db, keyFiles, batchSize: 10, settleMs: 0 });
    expect(again).toEqual({ kekVersion: 2, rewrapped: 0, batches: 0 });
    expect(await verifyAll(keyFiles)).toBe(30);
  });

  it('leaves destroyed keys destroyed and counts them apart', async () => {
    const keyFiles = loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined });
    const server = createKeyService({ db: t.db, keyFiles, clock });
    const a = await createPerson(server, 'a');
    await createPerson(server, 'b');
    await t.db.kysely.transaction().execute((trx) => server.destroyDataKey(trx, workspaceId, a));
    createNextKekVersion(keyFiles.keysDir);
    const result = await rotateMasterKey({ db: t.db, keyFiles, settleMs: 0 });
    expect(result.rewrapped).toBe(1);
    const status = await describeKeyStatus({ db: t.db, keyFiles });
    expect(status).toMatchObject({ liveKeysByKekVersion: { 2: 1 }, destroyed: 1, pendingRotation: 0 });
    const fresh = createKeyService({ db: t.db, keyFiles, clock, cacheSize: 0 });
    await expect(fresh.getDataKey(t.db.kysely, workspaceId, a)).rejects.toMatchObject({
      code: 'KEY_DESTROYED',
    });
  });

  it('does not bring back a key destroyed while the rotation waits for it', async () => {
    const keyFiles = loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined });
    const server = createKeyService({ db: t.db, keyFiles, clock });
    const victim = await createPerson(server, 'victim');
    await createPerson(server, 'other');
    createNextKekVersion(keyFiles.keysDir);
    let rotation: Promise<unknown> | undefined;
    await t.db.kysely.transaction().execute(async (trx) => {
      await server.destroyDataKey(trx, workspaceId, victim);
      // The rotation starts while the destroy is not yet committed (it waits for the row lock, or for the connection).
      rotation = rotateMasterKey({ db: t.db, keyFiles, settleMs: 0 });
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    await rotation;
    const row = await t.db.kysely
      .selectFrom('person_keys')
      .selectAll()
      .where('person_id', '=', victim)
      .executeTakeFirstOrThrow();
    expect(row.destroyed_at).not.toBeNull();
    expect(Buffer.from(row.wrapped_key).equals(Buffer.alloc(60))).toBe(true);
    await values.deleteFrom('crypto_test_values').where('person_id', '=', victim).execute();
    expect(await verifyAll(keyFiles)).toBe(1);
    expect(await describeKeyStatus({ db: t.db, keyFiles })).toMatchObject({
      liveKeysByKekVersion: { 2: 1 },
      destroyed: 1,
    });
  });

  it('with CUSTODIAN_MASTER_KEY: numbers keys, accepts the previous one during rotation and refuses swapped keys', async () => {
    const k1 = randomBytes(32).toString('base64');
    const k2 = randomBytes(32).toString('base64');
    const first = loadKeyFiles({ dataDir: t.dataDir, masterKey: k1 });
    expect(first).toMatchObject({ kekVersion: 1, masterKeySource: 'env' });
    const server1 = createKeyService({ db: t.db, keyFiles: first, clock });
    for (let i = 0; i < 12; i += 1) await createPerson(server1, 'env');

    const rotating = loadKeyFiles({ dataDir: t.dataDir, masterKey: k2, masterKeyPrevious: k1 });
    expect(rotating.kekVersion).toBe(2);
    expect([...rotating.keks.keys()]).toEqual([1, 2]);
    // A server restarted with both keys reads the old keys and creates new ones under version 2.
    const server2 = createKeyService({ db: t.db, keyFiles: rotating, clock });
    const during = await createPerson(server2, 'during');
    expect(await verifyAll(rotating)).toBe(13);
    const result = await rotateMasterKey({ db: t.db, keyFiles: rotating, batchSize: 5, settleMs: 0 });
    expect(result).toMatchObject({ kekVersion: 2, rewrapped: 12 });

    // Afterwards the new key alone suffices, and keeps its number.
    const after = loadKeyFiles({ dataDir: t.dataDir, masterKey: k2 });
    expect(after.kekVersion).toBe(2);
    expect(await verifyAll(after)).toBe(13);
    await readPerson(createKeyService({ db: t.db, keyFiles: after, clock }), during);

    expect(() => loadKeyFiles({ dataDir: t.dataDir, masterKey: k1, masterKeyPrevious: k2 })).toThrow(
      /swapped/,
    );
    expect(() => loadKeyFiles({ dataDir: t.dataDir, masterKey: k2, masterKeyPrevious: k2 })).toThrow(
      /same key/,
    );
    expect(() => loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined, masterKeyPrevious: k1 })).toThrow();
    // The old key alone can no longer open anything: it is refused with a coded error, not wrong data.
    const stale = createKeyService({
      db: t.db,
      keyFiles: loadKeyFiles({ dataDir: t.dataDir, masterKey: k1 }),
      clock,
    });
    let code: string | undefined;
    try {
      await readPerson(stale, during);
    } catch (error) {
      code = isAppError(error) ? error.code : 'other';
    }
    expect(code).toBe('KEK_UNAVAILABLE');
  });
});
