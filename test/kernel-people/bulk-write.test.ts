import { describe, expect, it } from 'vitest';
import { multiRowInsert } from '../../src/db/multi-row-insert.ts';
import { timeOrderedUuid } from '../../src/db/time-ordered-uuid.ts';
import { isPersonId } from '../../src/kernel/people/person-lookups.ts';
import { isValidatedForCreate, validateForCreate } from '../../src/kernel/people/validated-person-input.ts';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp } from './people-test-app.ts';

describe('time-ordered ids', () => {
  it('are version 7 UUIDs that person-id checks accept, unique and in creation order even within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => timeOrderedUuid());
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(isPersonId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('keep their order when the clock steps back, and when 4,096 ids share a millisecond', () => {
    const later = timeOrderedUuid(Date.parse('2030-01-01T00:00:00Z'));
    const earlier = timeOrderedUuid(Date.parse('2029-01-01T00:00:00Z'));
    expect(earlier > later).toBe(true);
    const burst = Array.from({ length: 5000 }, () => timeOrderedUuid(Date.parse('2030-01-01T00:00:00Z')));
    expect([...burst].sort()).toEqual(burst);
    expect(new Set(burst).size).toBe(burst.length);
  });
});

describe('inputs validated for a create', () => {
  it('come back normalised and frozen; only the very object returned counts as validated', () => {
    const result = validateForCreate({ lastName: ' Lovelace ', email: 'Ada@Example.COM', phone: '020 7946 0958' }, 'GB');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ lastName: 'Lovelace', email: 'Ada@example.com', phone: '+442079460958' });
    expect(Object.isFrozen(result.value)).toBe(true);
    expect(isValidatedForCreate(result.value)).toBe(true);
    expect(isValidatedForCreate({ ...result.value })).toBe(false);
    expect(() => {
      (result.value as { email: string }).email = 'not an email';
    }).toThrow(TypeError);
    const bad = validateForCreate({ email: 'not-an-email' });
    expect(bad.ok).toBe(false);
  });

  it('freeze nested lists and objects too', () => {
    const result = validateForCreate({ emails: [{ value: 'a@example.com' }, { value: 'b@example.com' }], address: { city: 'London' }, tags: ['vip'] });
    if (!result.ok) throw new Error('expected valid');
    expect(Object.isFrozen(result.value.emails)).toBe(true);
    expect(Object.isFrozen(result.value.emails?.[0])).toBe(true);
    expect(Object.isFrozen(result.value.address)).toBe(true);
    expect(Object.isFrozen(result.value.tags)).toBe(true);
  });
});

describe.each(testDialects)('multi-row insert on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('round-trips bytes, nulls, integers and text (a string that looks like hex bytes stays text) over several statements', async () => {
    const { t, workspaceId } = ctx();
    // 6,001 rows: more than one statement on both databases (SQLite 3,750 rows of 8 values, PostgreSQL 5,000 rows).
    const rows = Array.from({ length: 6001 }, (_, i) => ({
      id: `cp-${String(i).padStart(5, '0')}`,
      workspace_id: workspaceId,
      person_id: `p-${i % 7}`,
      kind: i % 2 === 0 ? 'email' : 'phone',
      position: i,
      value: Buffer.from([i % 256, 0, 255, 92, 120, 34]),
      label: i % 3 === 0 ? null : i % 3 === 1 ? '\\x41 "quoted", \u00e9t\u00e9 \u{1f600}' : `label ${i}`,
      is_primary: i % 2,
    }));
    await t.db.kysely.transaction().execute((trx) =>
      multiRowInsert(trx, t.db.dialect, 'person_contact_points', ['id', 'workspace_id', 'person_id', 'kind', 'position', 'value', 'label', 'is_primary'], rows),
    );
    const back = await t.db.kysely.selectFrom('person_contact_points').selectAll().where('id', 'like', 'cp-%').orderBy('id').execute();
    expect(back).toHaveLength(rows.length);
    for (const i of [0, 1, 2, 3749, 3750, 4999, 5000, 6000]) {
      const got = back[i]!;
      const want = rows[i]!;
      expect({ ...got, value: Buffer.from(got.value).toString('hex'), position: Number(got.position), is_primary: Number(got.is_primary) }).toEqual({
        ...want,
        value: want.value.toString('hex'),
      });
    }
  });

  it('inserts nothing for no rows, and nothing at all when a row breaks a constraint', async () => {
    const { t, workspaceId } = ctx();
    await t.db.kysely.transaction().execute((trx) => multiRowInsert(trx, t.db.dialect, 'person_tags', ['workspace_id', 'person_id', 'tag'], []));
    const tag = (tagName: string) => ({ workspace_id: workspaceId, person_id: 'p-1', tag: tagName });
    await expect(
      t.db.kysely.transaction().execute((trx) => multiRowInsert(trx, t.db.dialect, 'person_tags', ['workspace_id', 'person_id', 'tag'], [tag('a'), tag('b'), tag('a')])),
    ).rejects.toThrow();
    expect(await t.db.kysely.selectFrom('person_tags').selectAll().where('person_id', '=', 'p-1').execute()).toEqual([]);
  });
});
