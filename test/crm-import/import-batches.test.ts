import { describe, expect, it } from 'vitest';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { countPeople, fileOf, importServiceOf, ownerContext, peopleCsv } from './import-fixtures.ts';

const settings = { source: 'import', onDuplicate: 'skip', mapping: {}, ignoreUnknown: false } as const;

describe.each(testDialects)('import batches on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const db = () => ctx().t.db.kysely;

  it('drops suppressed rows and skips duplicates inside one batch, across batches and against stored people', async () => {
    const owner = await ownerContext(ctx());
    const people = ctx().services.people;
    const gone = await people.create(owner, { firstName: 'Gone', email: 'gone@example.com', phone: '+442079460111' });
    await people.erase(owner, gone.id);
    const kept = await people.create(owner, { firstName: 'Kept', email: 'keep@example.com', phone: '+442079460222' });
    const auditBefore = Number(
      (await db().selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ctx().workspaceId).executeTakeFirstOrThrow()).n,
    );

    const imports = importServiceOf(ctx().services, ctx(), { batchSize: 4 });
    const created = await imports.create(owner, settings);
    const csv = [
      'Email,Phone,First name',
      // Batch 1: a new person, a suppressed email, the first row again (other case), a suppressed phone.
      'a@example.com,,Ann',
      'gone@example.com,,Gone again',
      'A@example.com,,Ann twice',
      ',+44 20 7946 0111,Gone by phone',
      // Batch 2: the first row again (now stored), a stored person by email, and by phone; a new person.
      'a@example.com,,Ann thrice',
      'keep@example.com,,Kept again',
      'b@example.com,+44 20 7946 0222,Kept by phone',
      'c@example.com,,Cy',
      // Batch 3: the previous batch's new person by email with a new phone; a new person.
      'c@example.com,+44 20 7946 0333,Cy twice',
      'd@example.com,+442079460444,Di',
    ].join('\n');
    const done = await imports.run(owner, created.id, fileOf(csv));
    expect(done).toMatchObject({ status: 'completed', lastRow: 10, counts: { created: 3, updated: 0, skipped: 5, suppressed: 2, rejected: 0 } });

    const lookup = (field: 'email' | 'phone', value: string) => people.lookup(owner, { field, value });
    expect((await lookup('email', 'a@example.com')).map((p) => p.firstName)).toEqual(['Ann']);
    expect((await lookup('email', 'c@example.com')).map((p) => p.firstName)).toEqual(['Cy']);
    expect((await lookup('email', 'd@example.com')).map((p) => p.phone)).toEqual(['+442079460444']);
    expect(await lookup('phone', '+442079460333')).toEqual([]);
    expect(await lookup('email', 'gone@example.com')).toEqual([]);
    expect(await lookup('phone', '+442079460111')).toEqual([]);
    expect((await lookup('phone', '+442079460222')).map((p) => p.id)).toEqual([kept.id]);
    expect(await lookup('email', 'b@example.com')).toEqual([]);
    expect(await countPeople(db(), ctx().workspaceId, created.id)).toBe(3);

    // The people written by the bulk path read back whole: names, primary and listed contact points, provenance.
    const [di] = await lookup('email', 'd@example.com');
    expect(di).toMatchObject({ firstName: 'Di', email: 'd@example.com', emails: [{ value: 'd@example.com', primary: true }], phones: [{ value: '+442079460444', primary: true }] });
    expect(await people.search(owner, { text: 'Di', limit: 10 })).toHaveLength(1);
    const row = await db().selectFrom('persons').select(['source', 'import_id']).where('id', '=', di!.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ source: 'import', import_id: created.id });

    // One entry per batch that created people (count and digest, no value), one for the check, one for completion.
    const all = await db().selectFrom('audit_log').select(['action', 'details']).where('workspace_id', '=', ctx().workspaceId).orderBy('seq').execute();
    const entries = all.slice(auditBefore);
    const bulk = entries.filter((e) => e.action === 'person.create_many');
    expect(bulk).toHaveLength(3);
    expect(bulk.map((e) => (JSON.parse(e.details) as { count: number }).count)).toEqual([1, 1, 1]);
    expect(JSON.stringify(entries)).not.toContain('example.com');
  });

  it('resumes after the file fails in the middle of a batch: whole batches only, then every row once', async () => {
    const owner = await ownerContext(ctx());
    const imports = importServiceOf(ctx().services, ctx(), { batchSize: 500 });
    const created = await imports.create(owner, settings);
    const content = Buffer.from(peopleCsv(3000, 'midfile'), 'utf8');
    const good = fileOf(content);
    // The first pass reads the whole file; the second one fails after about 55 % of it (near row 1,650, in batch 4;
    // the parser reads some rows ahead, so the last batch committed may be an earlier one).
    let opened = 0;
    let cut = 0;
    const failing = async function* () {
      for (let i = 0; i < content.length; i += 4096) {
        if (i > content.length * 0.55) {
          cut = i;
          throw new Error('disk read error');
        }
        yield content.subarray(i, i + 4096);
      }
    };
    await expect(imports.run(owner, created.id, () => (opened++ === 0 ? good() : failing()))).rejects.toThrow('disk read error');
    expect(cut).toBeGreaterThan(0);
    const interrupted = await imports.get(ctx().workspaceId, created.id);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.lastRow % 500).toBe(0);
    expect(interrupted.lastRow).toBeGreaterThanOrEqual(500);
    expect(interrupted.lastRow).toBeLessThan(3000);
    expect(interrupted.counts.created).toBe(interrupted.lastRow);
    expect(await countPeople(db(), ctx().workspaceId, created.id)).toBe(interrupted.lastRow);

    const done = await imports.run(owner, created.id, good);
    expect(done).toMatchObject({ status: 'completed', lastRow: 3000, counts: { created: 3000, skipped: 0 } });
    expect(await countPeople(db(), ctx().workspaceId, created.id)).toBe(3000);
    for (const i of [1, interrupted.lastRow, interrupted.lastRow + 1, 3000]) {
      expect(await ctx().services.people.lookup(owner, { field: 'email', value: `midfile.${i}@example.com` }), `row ${i}`).toHaveLength(1);
    }
  });
});
