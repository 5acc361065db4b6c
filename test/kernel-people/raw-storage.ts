import fs from 'node:fs';
import { sql } from 'kysely';
import type { PeopleTestApp } from './people-test-app.ts';

/** Every row of every table of the test database as text, bytea columns shown as hex by PostgreSQL. */
async function dumpPostgres(ctx: PeopleTestApp): Promise<string> {
  const db = ctx.t.db.kysely;
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db);
  let out = '';
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ t: string }>`select t::text as t from ${sql.table(table_name)} t`.execute(db);
    out += rows.rows.map((r) => r.t).join('\n');
  }
  return out;
}

/** Whether a value is anywhere in the raw storage: the SQLite file and its WAL, or every PostgreSQL table. */
export async function foundInStorage(ctx: PeopleTestApp, values: readonly string[]): Promise<string[]> {
  if (ctx.t.db.dialect === 'sqlite') {
    const file = ctx.t.db.sqliteFile as string;
    const bytes = Buffer.concat([fs.readFileSync(file), fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
    return values.filter((v) => bytes.includes(Buffer.from(v, 'utf8')));
  }
  const dump = await dumpPostgres(ctx);
  return values.filter((v) => dump.includes(v) || dump.includes(Buffer.from(v, 'utf8').toString('hex')));
}
