import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { runCli } from '../support/run-cli.ts';
import { testDialects } from '../support/test-database.ts';
import { countPeople } from './import-fixtures.ts';

describe.each(testDialects)('imports API and CLI on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const db = () => ctx().t.db.kysely;

  const create = (body: object, headers: Record<string, string> = ctx().as.sales) =>
    ctx().app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...headers, 'custodian-purpose': 'crm' }, payload: body });
  const upload = (id: string, csv: string | Buffer, headers: Record<string, string> = {}) =>
    ctx().app.inject({ method: 'PUT', url: `/api/v1/imports/${id}/file`, headers: { ...ctx().as.sales, 'content-type': 'text/csv', ...headers }, payload: csv });

  it('creates an import, runs the uploaded CSV, shows progress and serves the report of rejected rows', async () => {
    const created = await create({ source: 'event', onDuplicate: 'skip', mapping: { Courriel: 'email' } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ status: 'pending', purpose: 'crm', source: 'event', mapping: { Courriel: 'email' } });
    const id = created.json().id as string;
    const csv = 'Courriel,First name,Last name\napi.one@example.com,One,Api\nnot-an-email,Two,Api\napi.three@example.com,Three,Api\n';
    const ran = await upload(id, csv);
    expect(ran.statusCode, ran.body).toBe(200);
    expect(ran.json()).toMatchObject({ status: 'completed', totalRows: 3, counts: { created: 2, rejected: 1 } });
    const progress = await ctx().app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: ctx().as.sales });
    expect(progress.json()).toMatchObject({ status: 'completed', lastRow: 3 });
    const report = await ctx().app.inject({ method: 'GET', url: `/api/v1/imports/${id}/report`, headers: ctx().as.sales });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/csv');
    expect(report.body.trim().split('\n')).toEqual(['row,column,reason', '2,Courriel,is not a valid email address']);
    expect(report.body).not.toContain('not-an-email');
    // The import is listed, newest first, one page at a time.
    ctx().clock.advance(1000);
    const second = await create({ source: 'form' });
    const page1 = await ctx().app.inject({ method: 'GET', url: '/api/v1/imports?limit=1', headers: ctx().as.sales });
    expect(page1.json().items.map((i: { id: string }) => i.id)).toEqual([second.json().id]);
    const page2 = await ctx().app.inject({ method: 'GET', url: `/api/v1/imports?limit=1&cursor=${page1.json().nextCursor}`, headers: ctx().as.sales });
    expect(page2.json().items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await ctx().app.inject({ method: 'GET', url: '/api/v1/imports?cursor=bad', headers: ctx().as.sales })).statusCode).toBe(400);
    // The spooled upload is gone.
    const spool = path.join(ctx().config.dataDir, 'import-spool');
    expect(fs.existsSync(spool) ? fs.readdirSync(spool) : []).toEqual([]);
  });

  it('refuses bad uploads with a problem and leaves stored data intact', async () => {
    const id = (await create({ source: 'import' })).json().id as string;
    const before = await countPeople(db(), ctx().workspaceId);
    const json = await ctx().app.inject({ method: 'PUT', url: `/api/v1/imports/${id}/file`, headers: { ...ctx().as.sales, 'content-type': 'application/json' }, payload: { rows: [] } });
    expect(json.statusCode).toBe(415);
    const malformed = await upload(id, 'email\n"open@example.com\nnext@example.com\n');
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json()).toMatchObject({ code: 'CSV_MALFORMED' });
    expect(malformed.body).not.toContain('open@example.com');
    const latin = await upload(id, Buffer.from('email,firstName\nz@example.com,Ren\xe9e\n', 'latin1'));
    expect(latin.statusCode).toBe(415);
    expect(latin.json().code).toBe('CSV_ENCODING');
    const unknown = await upload(id, 'email,Shoe size\na@example.com,44\n');
    expect(unknown.json()).toMatchObject({ code: 'CSV_UNKNOWN_COLUMNS', columns: [2] });
    expect(await countPeople(db(), ctx().workspaceId)).toBe(before);
    expect((await ctx().app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: ctx().as.sales })).json()).toMatchObject({ status: 'failed', errorCode: 'CSV_UNKNOWN_COLUMNS' });
    // Bad settings never create an import; a role without people:import is refused.
    expect((await create({ source: 'somewhere' })).statusCode).toBe(400);
    expect((await create({ source: 'import', mapping: { Email: 'shoeSize' } })).statusCode).toBe(400);
    expect((await create({ source: 'import' }, ctx().as.auditor)).statusCode).toBe(403);
    const missing = await ctx().app.inject({ method: 'GET', url: '/api/v1/imports/00000000-0000-4000-8000-000000000000', headers: ctx().as.sales });
    expect(missing.statusCode).toBe(404);
  });

  it('imports a file from the command line, mapped explicitly and by header name, with counts printed', async () => {
    const file = path.join(ctx().t.dataDir, 'people.csv');
    fs.writeFileSync(file, 'E-Post,Vorname\ncli.one@example.com,Eins\ncli.two@example.com,Zwei\ncli.one@example.com,Again\n');
    const owner = await db().selectFrom('users').select('email').where('email', '=', 'owner@example.test').executeTakeFirstOrThrow();
    const res = await runCli(ctx().t, ['import', 'people', file, '--purpose', 'crm', '--source', 'import', '--user', owner.email, '--map', 'E-Post=email']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/completed: 3 rows, 2 created, 0 updated, 1 skipped as duplicates, 0 suppressed, 0 rejected/);
    expect(res.stderr).toMatch(/progress 3\/3 rows/);
    expect(res.stdout + res.stderr).not.toContain('cli.one@example.com');
    const bad = await runCli(ctx().t, ['import', 'people', file, '--purpose', 'crm', '--source', 'import', '--user', owner.email]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CSV_UNKNOWN_COLUMNS');
  });
});
