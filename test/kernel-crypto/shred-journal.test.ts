import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { loadKeyFiles, type KeyFiles } from '../../src/kernel/crypto/key-files.ts';
import { createKeyService, type KeyService } from '../../src/kernel/crypto/key-service.ts';
import { reapplyShredJournal } from '../../src/kernel/crypto/reapply-shred-journal.ts';
import {
  appendShredJournal,
  readShredJournal,
  shredJournalFile,
} from '../../src/kernel/crypto/shred-journal.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { insertWorkspace } from './crypto-support.ts';

describe.each(testDialects)('shred journal on %s', (dialect) => {
  let t: TestDatabase;
  let keyFiles: KeyFiles;
  let keys: KeyService;
  let workspaceId: string;
  const clock = createFixedClock('2026-03-02T10:00:00.000Z');

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    keyFiles = loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined });
    keys = createKeyService({ db: t.db, keyFiles, clock });
    workspaceId = await insertWorkspace(t.db);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  const create = async (): Promise<string> => {
    const personId = randomUUID();
    await t.db.kysely.transaction().execute((trx) => keys.getOrCreateDataKey(trx, workspaceId, personId));
    return personId;
  };
  const fresh = () => createKeyService({ db: t.db, keyFiles, clock, cacheSize: 0 });

  it('destroys again the keys a restore of an older copy of person_keys brought back', async () => {
    const [erased1, erased2, kept] = [await create(), await create(), await create()];
    // The backup, taken before the erasures.
    const backup = await t.db.kysely.selectFrom('person_keys').selectAll().execute();

    clock.advance(60_000);
    for (const personId of [erased1, erased2]) {
      await t.db.kysely.transaction().execute((trx) => keys.destroyDataKey(trx, workspaceId, personId));
    }
    const destroyedAt = clock.now().toISOString();

    // The restore: the old rows are back, and with them the erased people's keys.
    await t.db.kysely.deleteFrom('person_keys').execute();
    await t.db.kysely
      .insertInto('person_keys')
      .values(backup.map((row) => ({ ...row, wrapped_key: Buffer.from(row.wrapped_key) })))
      .execute();
    expect((await fresh().getDataKey(t.db.kysely, workspaceId, erased1)).key).toHaveLength(32);

    const result = await reapplyShredJournal({ db: t.db, keyFiles, clock });
    expect(result).toEqual({ entries: 2, destroyedAgain: 2 });
    for (const personId of [erased1, erased2]) {
      await expect(fresh().getDataKey(t.db.kysely, workspaceId, personId)).rejects.toMatchObject({
        code: 'KEY_DESTROYED',
      });
      const row = await t.db.kysely
        .selectFrom('person_keys')
        .selectAll()
        .where('person_id', '=', personId)
        .executeTakeFirstOrThrow();
      expect(Buffer.from(row.wrapped_key).equals(Buffer.alloc(60))).toBe(true);
      // The original destruction time is kept.
      expect(row.destroyed_at).toBe(destroyedAt);
    }
    expect((await fresh().getDataKey(t.db.kysely, workspaceId, kept)).key).toHaveLength(32);

    // Idempotent, and it never writes to the journal itself.
    expect(await reapplyShredJournal({ db: t.db, keyFiles, clock })).toEqual({
      entries: 2,
      destroyedAgain: 0,
    });
    expect(readShredJournal(keyFiles.keysDir)).toHaveLength(2);
  });

  it('survives a torn last line but refuses a corrupt line in the middle', () => {
    const dir = fs.mkdtempSync(path.join(t.dataDir, 'journal-'));
    const entry = {
      workspaceId,
      personId: randomUUID(),
      keyId: randomUUID(),
      destroyedAt: '2026-03-02T10:00:00.000Z',
    };
    appendShredJournal(dir, entry);
    fs.appendFileSync(path.join(dir, shredJournalFile), '{"workspaceId":"w","pers');
    expect(readShredJournal(dir)).toEqual([entry]);
    fs.appendFileSync(path.join(dir, shredJournalFile), '\n');
    appendShredJournal(dir, entry);
    expect(() => readShredJournal(dir)).toThrow(/line 2/);
    expect(readShredJournal(path.join(t.dataDir, 'no-such-dir'))).toEqual([]);
  });
});
