import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.ts';
import { verifyAuditChain } from '../../src/kernel/audit/verify-audit-chain.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { countPeople, fileOf, importServiceOf, ownerContext, peopleCsv } from './import-fixtures.ts';

const settings = { source: 'import', onDuplicate: 'skip', mapping: {}, ignoreUnknown: false } as const;

async function refusal(promise: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each(testDialects)('people import on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const db = () => ctx().t.db.kysely;

  it('streams a 10,000-row file into people stamped with the source and the import id, in batches with one audit entry each', async () => {
    const imports = importServiceOf(ctx().services, ctx(), { batchSize: 1000 });
    const owner = await ownerContext(ctx());
    const created = await imports.create(owner, { ...settings, source: 'event' });
    const progress: number[] = [];
    const auditBefore = await db().selectFrom('audit_log').select('seq').execute();
    const done = await imports.run(owner, created.id, fileOf(peopleCsv(10_000, 'big')), { onProgress: (p) => progress.push(p.rowsDone) });
    expect(done).toMatchObject({ status: 'completed', totalRows: 10_000, lastRow: 10_000, counts: { created: 10_000, rejected: 0, skipped: 0 } });
    expect(done.mapping).toEqual({ Prénom: 'firstName', Nom: 'lastName', 'E-mail': 'email', Téléphone: 'phone' });
    expect(progress).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
    expect(await countPeople(db(), ctx().workspaceId, created.id)).toBe(10_000);
    const stamped = await db().selectFrom('persons').select(['source']).where('import_id', '=', created.id).groupBy('source').execute();
    expect(stamped).toEqual([{ source: 'event' }]);
    // One entry per batch for the writes, one for the gate's check at the start, one for the completion.
    const entries = await db().selectFrom('audit_log').select(['action', 'details']).where('seq', '>', auditBefore.length).where('workspace_id', '=', ctx().workspaceId).execute();
    expect(entries.filter((e) => e.action === 'person.create_many')).toHaveLength(10);
    expect(entries.filter((e) => e.action === 'import.complete')).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toContain('example.com');
    // The values are encrypted: no plaintext in the rows.
    const raw = await db().selectFrom('persons').select(['first_name', 'email']).where('import_id', '=', created.id).limit(5).execute();
    for (const r of raw) expect(Buffer.from(r.email!).toString('latin1')).not.toContain('example.com');
    // Running a completed import again is refused.
    expect((await refusal(imports.run(owner, created.id, fileOf(peopleCsv(10, 'big'))))).code).toBe('CONFLICT');
  }, 180_000);

  it('leaves only whole batches after a crash, and resume completes without duplicates', async () => {
    let crashAfter = 3;
    const imports = importServiceOf(ctx().services, ctx(), {
      batchSize: 500,
      afterBatch: (n) => {
        if (n === crashAfter) throw new Error('simulated crash');
      },
    });
    const owner = await ownerContext(ctx());
    const created = await imports.create(owner, settings);
    const file = fileOf(peopleCsv(2_200, 'crash'));
    await expect(imports.run(owner, created.id, file)).rejects.toThrow('simulated crash');
    const interrupted = await imports.get(ctx().workspaceId, created.id);
    expect(interrupted).toMatchObject({ status: 'interrupted', lastRow: 1500, errorCode: 'INTERNAL', counts: { created: 1500 } });
    expect(await countPeople(db(), ctx().workspaceId, created.id)).toBe(1500);

    // A different file is refused on resume, changing nothing.
    const other = await refusal(imports.run(owner, created.id, fileOf(peopleCsv(2_200, 'crash', 'First,Last,Email,Phone'))));
    expect(other.code).toBe('VALIDATION_FAILED');
    expect(await countPeople(db(), ctx().workspaceId, created.id)).toBe(1500);

    crashAfter = -1;
    const done = await imports.run(owner, created.id, file);
    expect(done).toMatchObject({ status: 'completed', lastRow: 2200, counts: { created: 2200, skipped: 0 } });
    expect(await countPeople(db(), ctx().workspaceId, created.id)).toBe(2200);
    // Every email once: the resumed rows were not written twice.
    const emails = await Promise.all(
      [1, 1500, 1501, 2200].map((i) => ctx().services.people.lookup(owner, { field: 'email', value: `crash.${i}@example.com` })),
    );
    expect(emails.map((e) => e.length)).toEqual([1, 1, 1, 1]);
  }, 120_000);

  it('resumes an import left running by a dead process only once its record is stale', async () => {
    const imports = importServiceOf(ctx().services, ctx(), { batchSize: 100 });
    const owner = await ownerContext(ctx());
    const created = await imports.create(owner, settings);
    const file = fileOf(peopleCsv(300, 'dead'));
    await imports.run(owner, created.id, fileOf(peopleCsv(100, 'dead')));
    // As if the process died in the middle of the next batch: the record still says running, at the last row committed.
    await db().updateTable('imports').set({ status: 'running', finished_at: null, updated_at: ctx().clock.now().toISOString() }).where('id', '=', created.id).execute();
    const refused = await refusal(imports.run(owner, created.id, file));
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { status: 'running' } });
    ctx().clock.advance(6 * 60_000);
    const done = await imports.run(owner, created.id, file);
    expect(done).toMatchObject({ status: 'completed', lastRow: 300, counts: { created: 300 } });
    expect(await countPeople(db(), ctx().workspaceId, created.id)).toBe(300);
  });

  it('does not re-create suppressed people and counts them', async () => {
    const owner = await ownerContext(ctx());
    const person = await ctx().services.people.create(owner, { firstName: 'Gone', email: 'gone@example.com' });
    await ctx().services.people.erase(owner, person.id);
    const imports = importServiceOf(ctx().services, ctx());
    const created = await imports.create(owner, settings);
    const csv = 'email,firstName\ngone@example.com,Gone\nstays@example.com,Stays\n';
    const done = await imports.run(owner, created.id, fileOf(csv));
    expect(done.counts).toEqual({ created: 1, updated: 0, skipped: 0, suppressed: 1, rejected: 0 });
    expect(await ctx().services.people.lookup(owner, { field: 'email', value: 'gone@example.com' })).toEqual([]);
  });

  it('handles rows whose email or phone exists as the chosen policy says: skip, update or create', async () => {
    const owner = await ownerContext(ctx());
    const existing = await ctx().services.people.create(owner, { firstName: 'Old', lastName: 'Name', email: 'dup@example.com', phone: '+442079460958' });
    const imports = importServiceOf(ctx().services, ctx());
    const csv = 'email,phone,firstName,jobTitle\nDUP@example.com,,New,Engineer\n,+44 20 7946 0958,Phone,\nfresh@example.com,,Fresh,\nfresh@example.com,,Twice,\n';

    const skip = await imports.create(owner, { ...settings, onDuplicate: 'skip' });
    expect((await imports.run(owner, skip.id, fileOf(csv))).counts).toEqual({ created: 1, updated: 0, skipped: 3, suppressed: 0, rejected: 0 });
    expect((await ctx().services.people.get(owner, existing.id)).firstName).toBe('Old');

    const update = await imports.create(owner, { ...settings, onDuplicate: 'update' });
    const updated = await imports.run(owner, update.id, fileOf(csv));
    // Rows 1 and 2 update the existing person (in turn), rows 3 and 4 match the person created by the skip import.
    expect(updated.counts).toMatchObject({ created: 0, updated: 4 });
    const after = await ctx().services.people.get(owner, existing.id);
    expect(after).toMatchObject({ firstName: 'Phone', jobTitle: 'Engineer', email: 'dup@example.com', lastName: 'Name' });

    const create = await imports.create(owner, { ...settings, onDuplicate: 'create' });
    expect((await imports.run(owner, create.id, fileOf(csv))).counts).toMatchObject({ created: 4, skipped: 0 });
    expect(await ctx().services.people.lookup(owner, { field: 'email', value: 'dup@example.com' })).toHaveLength(2);
  });

  it('reports rejected rows by row, column and reason, never with their values', async () => {
    const owner = await ownerContext(ctx());
    const imports = importServiceOf(ctx().services, ctx());
    const created = await imports.create(owner, settings);
    const csv = [
      'E-mail,Phone,First name',
      'ok.row@example.com,,Fine',
      'not-an-email-secret,,Bad',
      'ok.two@example.com,12,Shortphone',
      'ok.three@example.com,,Too,many,cells',
      ',,',
      'ok.four@example.com,,Fine',
    ].join('\n');
    const done = await imports.run(owner, created.id, fileOf(csv));
    expect(done.counts).toMatchObject({ created: 2, rejected: 4 });
    let report = '';
    for await (const line of await imports.report(ctx().workspaceId, created.id)) report += line;
    const lines = report.trim().split('\n');
    expect(lines[0]).toBe('row,column,reason');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['2,E-mail', '3,Phone', '4,', '5,']);
    expect(report).toContain('wrong_column_count');
    expect(report).toContain('no_value');
    for (const secret of ['not-an-email-secret', 'Shortphone', 'Bad', 'many']) expect(report).not.toContain(secret);
  });

  it('imports lifecycle stage, tags and the address parts, refusing a bad country by its column', async () => {
    const owner = await ownerContext(ctx());
    const imports = importServiceOf(ctx().services, ctx());
    const created = await imports.create(owner, settings);
    const csv = ['Email,Stage,Tags,Street,Town,Zip,Country', 'addr@example.com,Customer,vip; event 2026,1 Main St,London,N1 9GU,gb', 'bad.country@example.com,lead,,,,,XX'].join('\n');
    const done = await imports.run(owner, created.id, fileOf(csv));
    expect(done.counts).toMatchObject({ created: 1, rejected: 1 });
    const [person] = await ctx().services.people.lookup(owner, { field: 'email', value: 'addr@example.com' });
    expect(person).toMatchObject({ lifecycleStage: 'customer', address: { street: '1 Main St', city: 'London', postalCode: 'N1 9GU', country: 'GB' } });
    expect([...person!.tags].sort()).toEqual(['event 2026', 'vip']);
    let report = '';
    for await (const line of await imports.report(ctx().workspaceId, created.id)) report += line;
    expect(report).toContain('2,Country,');
  });

  it('refuses malformed, oversized, wrongly encoded, empty files and unknown columns, leaving stored data intact', async () => {
    const owner = await ownerContext(ctx());
    const imports = importServiceOf(ctx().services, ctx(), { maxBytes: 10_000 });
    const before = await countPeople(db(), ctx().workspaceId);
    const cases: [string | Buffer, string, Record<string, unknown>?][] = [
      ['email,firstName\na@example.com,Ann\n"b@example.com,Bob\nc@example.com,Cy\n', 'CSV_MALFORMED'],
      [peopleCsv(500, 'large'), 'PAYLOAD_TOO_LARGE'],
      [Buffer.from('email,firstName\nz@example.com,Ren\xe9e\n', 'latin1'), 'CSV_ENCODING'],
      [Buffer.from([0xff, 0xfe, 0x65, 0x00]), 'CSV_ENCODING'],
      ['', 'CSV_EMPTY'],
      ['email,firstName\n', 'CSV_EMPTY'],
      ['email,firstName,Shoe size\nshoe@example.com,Al,44\n', 'CSV_UNKNOWN_COLUMNS', { columns: [3] }],
    ];
    for (const [content, code, details] of cases) {
      const created = await imports.create(owner, settings);
      const refused = await refusal(imports.run(owner, created.id, fileOf(content)));
      expect(refused.code, code).toBe(code);
      if (details) expect(refused.details).toMatchObject(details);
      expect(JSON.stringify(refused.details)).not.toContain('example.com');
      expect(await imports.get(ctx().workspaceId, created.id)).toMatchObject({ status: 'failed', errorCode: code, lastRow: 0 });
    }
    expect(await countPeople(db(), ctx().workspaceId)).toBe(before);

    // Latin-1 is accepted when announced; unknown columns when ignored explicitly.
    const latin = await imports.create(owner, settings);
    const done = await imports.run(owner, latin.id, fileOf(Buffer.from('email,firstName\nrenee@example.com,Ren\xe9e\n', 'latin1')), { encoding: 'latin1' });
    expect(done.counts.created).toBe(1);
    expect((await ctx().services.people.lookup(owner, { field: 'email', value: 'renee@example.com' }))[0]?.firstName).toBe('Renée');
    const ignoring = await imports.create(owner, { ...settings, ignoreUnknown: true, mapping: { 'Courriel pro': 'email' } });
    expect((await imports.run(owner, ignoring.id, fileOf('Courriel pro,Shoe size\nshoe@example.com,44\n'))).counts.created).toBe(1);
  });

  it('refuses an inactive purpose at creation and a purpose not covering the categories before writing', async () => {
    const owner = await ownerContext(ctx());
    const imports = importServiceOf(ctx().services, ctx());
    expect((await refusal(imports.create({ ...owner, purpose: 'email_marketing' }, settings))).code).toBe('PURPOSE_INACTIVE');
    expect((await refusal(imports.create(owner, { ...settings, source: 'somewhere' }))).code).toBe('VALIDATION_FAILED');
    // A role without the purpose: the gate refuses before the first batch, nothing is written.
    const created = await imports.create(owner, settings);
    const before = await countPeople(db(), ctx().workspaceId);
    const refused = await refusal(imports.run({ ...owner, role: { purposes: ['support'], dataCategories: ['*'] } } as typeof owner, created.id, fileOf('email\nx@example.com\n')));
    expect(refused.code).toBe('ROLE_PURPOSE_DENIED');
    expect(await countPeople(db(), ctx().workspaceId)).toBe(before);
    expect((await verifyAuditChain(ctx().t.db, { workspaceId: ctx().workspaceId })).ok).toBe(true);
  });
});
