/**
 * Per-person encryption figures, on SQLite and PostgreSQL (standalone: `npx tsx bench/kernel-crypto.bench.ts`, also
 * run by `npm run bench`). Prints them and appends them to bench/RESULTS.md.
 *
 * - data keys rewrapped per second by `rotateMasterKey` (batches of 500 per transaction);
 * - data keys created per second (one transaction each, as creating a person does) and unwrapped per second
 *   (cache off: one select + AES-GCM unwrap) and served from the cache;
 * - field encrypt+decrypt per second (AES-256-GCM, no database), and blind indexes per second.
 *
 * Sizes: CUSTODIAN_BENCH_KEYS (default 20,000 keys to rotate).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DialectName } from '../src/db/database.ts';
import { createFixedClock } from '../src/kernel/clock.ts';
import { createBlindIndex } from '../src/kernel/crypto/blind-index.ts';
import { wrapDataKey } from '../src/kernel/crypto/data-key-wrap.ts';
import { createFieldCipher } from '../src/kernel/crypto/field-cipher.ts';
import { createNextKekVersion, loadKeyFiles } from '../src/kernel/crypto/key-files.ts';
import { createKeyService } from '../src/kernel/crypto/key-service.ts';
import { rotateMasterKey } from '../src/kernel/crypto/rotate-master-key.ts';
import { createTestDatabase } from '../test/support/test-database.ts';

const keyCount = Number(process.env.CUSTODIAN_BENCH_KEYS ?? 20_000);
const resultsFile = path.join(import.meta.dirname, 'RESULTS.md');
const clock = createFixedClock('2026-03-02T10:00:00.000Z');

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const perSecond = (count: number, ms: number): number => (count * 1000) / ms;

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `${os.availableParallelism()} CPUs, ${cpu}, Node ${process.version}; load average ${load} at the start`;
}

function append(title: string, lines: string[]): void {
  if (!fs.existsSync(resultsFile)) {
    fs.writeFileSync(
      resultsFile,
      '# Benchmark results\n\nAppended by `npm run bench`; newest last. Figures depend on the machine named with them.\n',
    );
  }
  const block = [
    '',
    `## ${title} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${machine()}`,
    '',
    ...lines,
    '',
  ].join('\n');
  fs.appendFileSync(resultsFile, block);
  process.stdout.write(block);
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

async function databaseFigures(dialect: DialectName): Promise<string[]> {
  const t = await createTestDatabase(dialect);
  try {
    const workspaceId = randomUUID();
    await t.db.kysely
      .insertInto('workspaces')
      .values({ id: workspaceId, name: 'bench', regime: 'gdpr', created_at: clock.now().toISOString() })
      .execute();
    const keyFiles = loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined });

    // Fill: keys wrapped under version 1, inserted 500 per statement.
    for (let start = 0; start < keyCount; start += 500) {
      const rows = [];
      for (let i = start; i < Math.min(keyCount, start + 500); i += 1) {
        const id = randomUUID();
        const personId = randomUUID();
        rows.push({
          id,
          workspace_id: workspaceId,
          person_id: personId,
          key_version: 1,
          kek_version: 1,
          wrapped_key: wrapDataKey(keyFiles.masterKey, randomBytes(32), {
            workspaceId,
            personId,
            keyId: id,
            keyVersion: 1,
            kekVersion: 1,
          }),
          created_at: clock.now().toISOString(),
          destroyed_at: null,
        });
      }
      await t.db.kysely.insertInto('person_keys').values(rows).execute();
    }

    // Hot path: create one key per transaction, then unwrap (cache off) and serve from the cache.
    const keys = createKeyService({ db: t.db, keyFiles, clock });
    const cold = createKeyService({ db: t.db, keyFiles, clock, cacheSize: 0 });
    const people: string[] = [];
    const creates = 2_000;
    const create = await timed(async () => {
      for (let i = 0; i < creates; i += 1) {
        const personId = randomUUID();
        people.push(personId);
        await t.db.kysely.transaction().execute((trx) => keys.getOrCreateDataKey(trx, workspaceId, personId));
      }
    });
    const unwrap = await timed(async () => {
      for (const personId of people) await cold.getDataKey(t.db.kysely, workspaceId, personId);
    });
    for (const personId of people) await keys.getDataKey(t.db.kysely, workspaceId, personId);
    const cachedReads = 200_000;
    const cached = await timed(async () => {
      for (let i = 0; i < cachedReads; i += 1)
        await keys.getDataKey(t.db.kysely, workspaceId, people[i % people.length]!);
    });

    // Rotation.
    createNextKekVersion(keyFiles.keysDir);
    const total = keyCount + creates;
    const rotation = await timed(() => rotateMasterKey({ db: t.db, keyFiles, batchSize: 500, settleMs: 0 }));
    if (rotation.value.rewrapped !== total)
      throw new Error(`rotated ${rotation.value.rewrapped} of ${total}`);

    return [
      `| ${dialect} | data keys rewrapped by \`rotateMasterKey\` (500 per transaction, ${fmt(total)} keys) | **${fmt(perSecond(total, rotation.ms))} keys/s** (${(rotation.ms / 1000).toFixed(1)} s) |`,
      `| ${dialect} | \`getOrCreateDataKey\`, one transaction each (${fmt(creates)}) | ${fmt(perSecond(creates, create.ms))} keys/s |`,
      `| ${dialect} | \`getDataKey\` with the cache off (select + unwrap) | ${fmt(perSecond(creates, unwrap.ms))} keys/s |`,
      `| ${dialect} | \`getDataKey\` from the cache | ${fmt(perSecond(cachedReads, cached.ms))} keys/s |`,
    ];
  } finally {
    await t.destroy();
  }
}

function cipherFigures(): string[] {
  const cipher = createFieldCipher();
  const key = { keyId: randomUUID(), version: 1, key: randomBytes(32) };
  const binding = { workspaceId: randomUUID(), table: 'people', column: 'email', rowId: randomUUID() };
  const lines: string[] = [];
  for (const [label, value] of [
    ['an email (24 bytes)', 'ada.lovelace@example.com'],
    ['a 256-byte field', 'x'.repeat(256)],
  ] as const) {
    const n = 100_000;
    const started = performance.now();
    for (let i = 0; i < n; i += 1) {
      if (cipher.decrypt(key, cipher.encrypt(key, value, binding), binding).length !== value.length)
        throw new Error('roundtrip');
    }
    lines.push(
      `| — | field encrypt + decrypt, ${label} | ${fmt(perSecond(n, performance.now() - started))} pairs/s |`,
    );
  }
  const index = createBlindIndex({ serverSecret: randomBytes(32) });
  const n = 200_000;
  const started = performance.now();
  for (let i = 0; i < n; i += 1) index.compute(binding.workspaceId, 'email', `Person${i}@Example.com`);
  lines.push(
    `| — | blind index (normalise + HMAC-SHA256, truncated to 16 bits) | ${fmt(perSecond(n, performance.now() - started))} /s |`,
  );
  return lines;
}

const lines = ['| database | operation | rate |', '|---|---|---|', ...cipherFigures()];
for (const dialect of ['sqlite', 'postgres'] as const) lines.push(...(await databaseFigures(dialect)));
append('kernel crypto: data keys, rotation, field cipher', lines);
