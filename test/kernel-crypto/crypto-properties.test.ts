import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixedClock } from '../../src/kernel/clock.ts';
import {
  blindIndexBits,
  createBlindIndex,
  normaliseEmail,
  normalisePhone,
  normaliseText,
} from '../../src/kernel/crypto/blind-index.ts';
import { createFieldCipher } from '../../src/kernel/crypto/field-cipher.ts';
import { deriveKey, loadKeyFiles } from '../../src/kernel/crypto/key-files.ts';
import { createKeyService, type DataKey } from '../../src/kernel/crypto/key-service.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { insertWorkspace } from './crypto-support.ts';

const cipher = createFieldCipher();
const text = fc.string({ unit: 'grapheme', maxLength: 80 });
const anyText = fc.oneof(text, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 40 }));

describe.each(testDialects)('field cipher properties with keys from %s', (dialect) => {
  let t: TestDatabase;
  let key: DataKey;
  let workspaceId: string;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    workspaceId = await insertWorkspace(t.db);
    const keys = createKeyService({
      db: t.db,
      keyFiles: loadKeyFiles({ dataDir: t.dataDir, masterKey: undefined }),
      clock: createFixedClock('2026-03-02T10:00:00.000Z'),
    });
    key = await t.db.kysely
      .transaction()
      .execute((trx) => keys.getOrCreateDataKey(trx, workspaceId, randomUUID()));
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('decrypts what it encrypted, for any well-formed text and any binding', () => {
    fc.assert(
      fc.property(text, fc.string({ minLength: 1, maxLength: 20 }), fc.uuid(), (plaintext, column, rowId) => {
        const binding = { workspaceId, table: 'people', column, rowId };
        expect(cipher.decrypt(key, cipher.encrypt(key, plaintext, binding), binding)).toBe(plaintext);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const binding = { workspaceId, table: 'people', column: 'address', rowId: 'r1' };
        const back = cipher.decryptJson(key, cipher.encryptJson(key, value, binding), binding);
        expect(back).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses any other binding', () => {
    fc.assert(
      fc.property(text, fc.uuid(), fc.uuid(), (plaintext, rowA, rowB) => {
        fc.pre(rowA !== rowB);
        const stored = cipher.encrypt(key, plaintext, {
          workspaceId,
          table: 'people',
          column: 'email',
          rowId: rowA,
        });
        expect(() =>
          cipher.decrypt(key, stored, { workspaceId, table: 'people', column: 'email', rowId: rowB }),
        ).toThrowError(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses text that is not well-formed Unicode instead of storing something else', () => {
    expect(() =>
      cipher.encrypt(key, 'a\uD800b', { workspaceId, table: 'people', column: 'x', rowId: 'r' }),
    ).toThrowError(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('normalisers and blind indexes', () => {
  it('normalisers are idempotent for any input', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        for (const normalise of [normaliseEmail, normalisePhone, normaliseText]) {
          const once = normalise(value);
          expect(normalise(once)).toBe(once);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('normalises emails, phones and text as documented', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
    expect(normaliseEmail('ＡＤＡ@example.com')).toBe('ada@example.com');
    expect(normalisePhone('+44 20 7946-0958')).toBe('+442079460958');
    expect(normalisePhone('0044 (20) 7946 0958')).toBe('+442079460958');
    expect(normalisePhone('020 7946 0958')).toBe('02079460958');
    expect(normalisePhone('＋３３ 1 23')).toBe('+33123');
    expect(normaliseText('  ACME\u00a0  Corp\t\n ')).toBe('acme corp');
  });

  it('gives equal indexes for equal normalised values and separates fields and workspaces', () => {
    const serverSecret = randomBytes(32);
    const index = createBlindIndex({ serverSecret });
    const ws = randomUUID();
    const a = index.compute(ws, 'email', ' Ada@Example.com');
    expect(a).toHaveLength(blindIndexBits / 8);
    expect(index.compute(ws, 'email', 'ada@example.com').equals(a)).toBe(true);
    expect(
      index.compute(ws, 'phone', '+44 20 7946 0958').equals(index.compute(ws, 'phone', '0044207946 0958')),
    ).toBe(true);
    // Over many values, another workspace or another field gives unrelated indexes (equal only by the expected chance).
    let sameWorkspaceOther = 0;
    let sameField = 0;
    for (let i = 0; i < 2000; i += 1) {
      const value = `person${i}@example.com`;
      if (index.compute(ws, 'email', value).equals(index.compute(randomUUID(), 'email', value)))
        sameWorkspaceOther += 1;
      if (index.compute(ws, 'email', value).equals(index.compute(ws, 'work_email', value))) sameField += 1;
    }
    expect(sameWorkspaceOther).toBeLessThan(5);
    expect(sameField).toBeLessThan(5);
    // A different server secret gives unrelated indexes; the full keyed hash is 32 bytes.
    const other = createBlindIndex({ serverSecret: randomBytes(32) });
    expect(other.keyedHash(ws, 'suppression:email', 'ada@example.com')).toHaveLength(32);
    expect(
      index
        .keyedHash(ws, 'suppression:email', 'ADA@example.com')
        .equals(index.keyedHash(ws, 'suppression:email', 'ada@example.com')),
    ).toBe(true);
    expect(deriveKey(serverSecret, 'blind-index:email')).toHaveLength(32);
  });

  it('spreads 16-bit indexes evenly: a lookup among R values finds about R / 2^16 candidates', () => {
    const index = createBlindIndex({ serverSecret: randomBytes(32) });
    const ws = randomUUID();
    const counts = new Map<string, number>();
    const r = 2 ** 17;
    for (let i = 0; i < r; i += 1) {
      const hex = index.compute(ws, 'email', `p${i}@example.com`).toString('hex');
      counts.set(hex, (counts.get(hex) ?? 0) + 1);
    }
    const expected = r / 2 ** blindIndexBits;
    const max = Math.max(...counts.values());
    // Poisson with mean 2: about 86% of the values in use, and no value with 18 or more candidates.
    expect(expected).toBe(2);
    expect(counts.size).toBeGreaterThan(2 ** blindIndexBits * 0.8);
    expect(max).toBeLessThan(18);
  });
});
