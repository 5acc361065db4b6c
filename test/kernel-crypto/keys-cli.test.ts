import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { loadKeyFiles } from '../../src/kernel/crypto/key-files.ts';
import { createKeyService } from '../../src/kernel/crypto/key-service.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { insertWorkspace } from './crypto-support.ts';

// Rotation cases run several commands over many keys.
vi.setConfig({ testTimeout: 120_000 });


describe.each(testDialects)('custodian keys on %s', (dialect) => {
  let t: TestDatabase;
  let workspaceId: string;
  const clock = createFixedClock('2026-03-02T10:00:00.000Z');

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    workspaceId = await insertWorkspace(t.db);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  /** The command line, in process, against this test's database. */
  const run = (args: string[], extraEnv: Record<string, string> = {}) => runCli(t, args, extraEnv);

  it('rotates key files to a new version, reports it in status, and every key still opens', async () => {
    const keyFiles = loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined });
    const keys = createKeyService({ db: t.db, keyFiles, clock });
    const people = Array.from({ length: 7 }, () => randomUUID());
    const created = new Map<string, Buffer>();
    for (const personId of people) {
      const key = await t.db.kysely
        .transaction()
        .execute((trx) => keys.getOrCreateDataKey(trx, workspaceId, personId));
      created.set(personId, key.key);
    }
    await t.db.kysely.transaction().execute((trx) => keys.destroyDataKey(trx, workspaceId, people[0]!));

    const before = await run(['keys', 'status', '--json']);
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({
      currentKekVersion: 1,
      liveKeysByKekVersion: { 1: 6 },
      destroyed: 1,
    });

    const rotate = await run(['keys', 'rotate', '--batch-size', '4']);
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout).toContain('Generated KEK version 2');
    expect(rotate.stdout).toContain('Rewrapped 6 data keys; every live key is on KEK version 2.');
    expect(fs.statSync(path.join(keyFiles.keysDir, 'master-v2.key')).mode & 0o777).toBe(0o600);

    const after = await run(['keys', 'status']);
    expect(after.stdout).toContain('Current KEK version: 2');
    expect(after.stdout).toContain('Live data keys under version 2: 6');
    expect(after.stdout).toContain('Waiting for rotation: 0');
    expect(after.stdout).toContain('Destroyed data keys: 1');

    const fresh = createKeyService({
      db: t.db,
      keyFiles: loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined }),
      clock,
      cacheSize: 0,
    });
    for (const personId of people.slice(1)) {
      expect(
        (await fresh.getDataKey(t.db.kysely, workspaceId, personId)).key.equals(created.get(personId)!),
      ).toBe(true);
    }
    // The running service noticed the new version: its next key is wrapped under it.
    const next = randomUUID();
    await t.db.kysely.transaction().execute((trx) => keys.getOrCreateDataKey(trx, workspaceId, next));
    const row = await t.db.kysely
      .selectFrom('person_keys')
      .select('kek_version')
      .where('person_id', '=', next)
      .executeTakeFirstOrThrow();
    expect(row.kek_version).toBe(2);

    const bad = await run(['keys', 'rotate', '--batch-size', 'zero']);
    expect(bad.code).not.toBe(0);
  });

  it('with CUSTODIAN_MASTER_KEY: nothing to do without a previous key, rotates with one, refuses swapped keys', async () => {
    // An installation of its own that has always used the environment variables.
    const own = await createTestDatabase(dialect);
    try {
      const ws = await insertWorkspace(own.db);
      const k1 = randomBytes(32).toString('base64');
      const k2 = randomBytes(32).toString('base64');
      const keys = createKeyService({
        db: own.db,
        keyFiles: loadKeyFiles({ dataDir: own.dataDir, masterKey: k1 }),
        clock,
      });
      for (let i = 0; i < 5; i += 1) {
        await own.db.kysely.transaction().execute((trx) => keys.getOrCreateDataKey(trx, ws, randomUUID()));
      }
      const env = (extra: Record<string, string>) => ({
        CUSTODIAN_DATA_DIR: own.dataDir,
        ...(own.postgresUrl ? { CUSTODIAN_DATABASE_URL: own.postgresUrl } : {}),
        ...extra,
      });
      const nothing = await run(['keys', 'rotate'], env({ CUSTODIAN_MASTER_KEY: k1 }));
      expect(nothing.code, nothing.stderr).toBe(0);
      expect(nothing.stdout).toContain('Nothing to rotate');

      const rotate = await run(
        ['keys', 'rotate'],
        env({ CUSTODIAN_MASTER_KEY: k2, CUSTODIAN_MASTER_KEY_PREVIOUS: k1 }),
      );
      expect(rotate.code, rotate.stderr).toBe(0);
      expect(rotate.stdout).toContain('Rewrapped 5 data keys; every live key is on KEK version 2.');
      expect(rotate.stdout).toContain('remove CUSTODIAN_MASTER_KEY_PREVIOUS');

      const status = await run(['keys', 'status', '--json'], env({ CUSTODIAN_MASTER_KEY: k2 }));
      expect(JSON.parse(status.stdout)).toMatchObject({
        source: 'env',
        currentKekVersion: 2,
        availableKekVersions: [2],
        liveKeysByKekVersion: { 2: 5 },
        pendingRotation: 0,
      });

      const swapped = await run(
        ['keys', 'status'],
        env({ CUSTODIAN_MASTER_KEY: k1, CUSTODIAN_MASTER_KEY_PREVIOUS: k2 }),
      );
      expect(swapped.code).not.toBe(0);
      expect(swapped.stderr).toContain('swapped');
      expect(swapped.stderr).not.toContain(k1);
      expect(swapped.stderr).not.toContain(k2);
    } finally {
      await own.destroy();
    }
  });

  it('stops with KEK_UNAVAILABLE when the keys are under a KEK this installation does not hold', async () => {
    const res = await run(['keys', 'rotate'], { CUSTODIAN_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(res.code).toBe(11);
    expect(res.stderr).toContain('KEK_UNAVAILABLE');
  });
});
