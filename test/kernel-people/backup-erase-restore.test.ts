import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp } from './people-test-app.ts';

describe.each(testDialects)('backup, erase, restore on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('keeps an erased person gone after a backup taken before the erasure is restored', { timeout: 180_000 }, async () => {
    const owner = ctx().as.owner;
    const created = await ctx().app.inject({ method: 'POST', url: '/api/v1/people', headers: owner, payload: { firstName: 'Hedy', lastName: 'Lamarr', email: 'hedy@spread-spectrum.example' } });
    expect(created.statusCode).toBe(201);
    const person = created.json() as { id: string };
    const kept = await ctx().app.inject({ method: 'POST', url: '/api/v1/people', headers: owner, payload: { lastName: 'Stays', email: 'stays@spread-spectrum.example' } });
    const backupFile = path.join(ctx().t.dataDir, 'backups', 'before-erasure.backup');
    const backup = await runCli(ctx().t, ['backup', backupFile]);
    expect(backup.code).toBe(0);

    expect((await ctx().app.inject({ method: 'DELETE', url: `/api/v1/people/${person.id}`, headers: owner })).statusCode).toBe(200);

    const restore = await runCli(ctx().t, ['restore', backupFile]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    ctx().services.keys.forget();

    const db = ctx().t.db.kysely;
    const key = await db.selectFrom('person_keys').selectAll().where('person_id', '=', person.id).executeTakeFirstOrThrow();
    expect(key.destroyed_at).not.toBeNull();
    expect(Buffer.from(key.wrapped_key).every((b) => b === 0)).toBe(true);
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: owner });
    expect(read.statusCode).toBe(410);
    const lookup = await ctx().app.inject({ method: 'POST', url: '/api/v1/people/lookup', headers: owner, payload: { email: 'hedy@spread-spectrum.example' } });
    expect(lookup.json().items).toEqual([]);
    expect(await db.selectFrom('person_blind_indexes').select('person_id').where('person_id', '=', person.id).execute()).toEqual([]);
    const row = await db.selectFrom('persons').selectAll().where('id', '=', person.id).executeTakeFirstOrThrow();
    expect([row.first_name, row.last_name, row.email, row.phone]).toEqual([null, null, null, null]);

    // The suppression entry written after the backup was journalled beside the KEK: the person cannot be re-created.
    const suppressed = await db.selectFrom('suppressions').select('reason').execute();
    expect(suppressed.map((s) => s.reason)).toContain('erased');
    const recreate = await ctx().app.inject({ method: 'POST', url: '/api/v1/people', headers: owner, payload: { email: 'hedy@spread-spectrum.example' } });
    expect(recreate.statusCode).toBe(409);
    expect(recreate.json().code).toBe('SUPPRESSED');

    // The person erased after the backup is gone; the one who was not erased is back as before.
    const other = await ctx().app.inject({ method: 'GET', url: `/api/v1/people/${kept.json().id}`, headers: owner });
    expect(other.json()).toMatchObject({ lastName: 'Stays' });
  });
});
