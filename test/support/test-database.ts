import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Db, type DialectName } from '../../src/db/database.ts';
import { copySqliteTemplate, createFromPostgresTemplate } from './migrated-template.ts';

/** Both databases every suite runs on. Set `CUSTODIAN_TEST_DIALECTS=sqlite` to run one while developing. */
export const testDialects: DialectName[] = (process.env.CUSTODIAN_TEST_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is DialectName => d === 'sqlite' || d === 'postgres');

/** Server the PostgreSQL tests create their databases on. */
export const postgresAdminUrl = process.env.CUSTODIAN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly db: Db;
  /** A temporary folder of its own (data dir for keys, checkpoints, outbox). */
  readonly dataDir: string;
  /** URL of this test's own PostgreSQL database, or undefined on SQLite. */
  readonly postgresUrl: string | undefined;
  /** Closes the connection and drops the database and folder. */
  destroy(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh, migrated database for one test: a SQLite file in a temp folder, or a PostgreSQL database of its own
 * (dropped by `destroy`). Migrated means copied from a template migrated once per schema (`migrated-template.ts`):
 * the same tables and seeded rows as running the migrations, in a fraction of the time. `migrate: false` gives an
 * empty database (for tests of the migrations themselves).
 *
 * @example
 * const t = await createTestDatabase('postgres');
 * afterAll(() => t.destroy());
 */
export async function createTestDatabase(dialect: DialectName, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-test-'));
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'custodian.db');
    if (options.migrate !== false) await copySqliteTemplate(file);
    const db = openDatabase({ sqliteFile: file });
    return {
      db,
      dataDir,
      postgresUrl: undefined,
      destroy: async () => {
        await db.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `custodian_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    if (options.migrate !== false) await createFromPostgresTemplate(admin, postgresAdminUrl, name);
    else await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(postgresAdminUrl, name);
  const db = openDatabase({ postgresUrl: url, poolSize: 5 });
  return {
    db,
    dataDir,
    postgresUrl: url,
    destroy: async () => {
      await db.close();
      const cleanup = new pg.Client({ connectionString: postgresAdminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
