import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reapplySuppressionJournal, suppressionJournalFile } from '../../src/kernel/erasure/suppression-journal.ts';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';

describe.each(testDialects)('suppression of objecting people, and its journal, on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const post = (url: string, payload: Record<string, unknown>, headers = ctx().as.owner) =>
    ctx().app.inject({ method: 'POST', url, headers, payload });

  it('an upheld objection writes suppression entries, so the person is not re-created under another record', async () => {
    const person = (await post('/api/v1/people', { firstName: 'Rosalind', email: 'rosalind@example.org', phone: '+44 20 7946 0018' })).json();
    const raised = await post(`/api/v1/people/${person.id}/objections`, { purpose: 'crm' });
    expect(raised.statusCode).toBe(201);
    // Pending: nothing suppressed yet (a balancing test is still owed).
    expect(await ctx().t.db.kysely.selectFrom('suppressions').selectAll().execute()).toEqual([]);
    const decided = await ctx().app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${person.id}/objections/${raised.json().id}`,
      headers: ctx().as.owner,
      payload: { outcome: 'upheld' },
    });
    expect(decided.statusCode).toBe(200);
    const rows = await ctx().t.db.kysely.selectFrom('suppressions').selectAll().execute();
    expect(rows.map((r) => [r.kind, r.reason]).sort()).toEqual([
      ['email', 'objected'],
      ['phone', 'objected'],
    ]);
    const again = await post('/api/v1/people', { firstName: 'R.', email: 'ROSALIND@Example.org' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('SUPPRESSED');
    expect(again.body).not.toContain('rosalind');
  });

  it('journals every entry beside the KEK and puts back what a restored database lacks', async () => {
    const person = (await post('/api/v1/people', { email: 'grete@example.org' })).json();
    const erased = await ctx().app.inject({ method: 'DELETE', url: `/api/v1/people/${person.id}`, headers: ctx().as.owner });
    expect(erased.statusCode).toBe(200);
    const keysDir = ctx().services.keyFiles.keysDir;
    const journal = fs.readFileSync(path.join(keysDir, suppressionJournalFile), 'utf8');
    expect(journal).not.toContain('grete');
    const db = ctx().t.db.kysely;
    const before = await db.selectFrom('suppressions').selectAll().execute();
    expect(before.length).toBeGreaterThan(0);
    // An older backup restored: the entries are missing from the database.
    await db.deleteFrom('suppressions').execute();
    const result = await reapplySuppressionJournal(db, keysDir);
    expect(result.restored).toBe(before.length);
    const after = await db.selectFrom('suppressions').selectAll().execute();
    expect(after.map((r) => Buffer.from(r.hash).toString('hex')).sort()).toEqual(before.map((r) => Buffer.from(r.hash).toString('hex')).sort());
    // Idempotent.
    expect((await reapplySuppressionJournal(db, keysDir)).restored).toBe(0);
  });

  it('refuses a journal with a malformed line in the middle rather than dropping an entry', async () => {
    const dir = fs.mkdtempSync(path.join(ctx().t.dataDir, 'journal-'));
    fs.writeFileSync(path.join(dir, suppressionJournalFile), '{"workspaceId":"w"}\n{"torn":');
    await expect(reapplySuppressionJournal(ctx().t.db.kysely, dir)).rejects.toThrow(/line 1/);
  });
});
