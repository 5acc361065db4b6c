import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Db, type DialectName } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

/** Server the PostgreSQL benchmarks create their own database on. */
export const benchPostgresUrl = process.env.CUSTODIAN_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  readonly db: Db;
  readonly dataDir: string;
  readonly postgresUrl: string | undefined;
  destroy(): Promise<void>;
}

/** A fresh migrated database (and data folder) for one benchmark, removed by `destroy`. */
export async function createBenchDatabase(dialect: DialectName): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-bench-'));
  let postgresUrl: string | undefined;
  let name = '';
  if (dialect === 'postgres') {
    name = `custodian_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: benchPostgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(benchPostgresUrl);
    u.pathname = `/${name}`;
    postgresUrl = u.toString();
  }
  const db = openDatabase({ postgresUrl, sqliteFile: path.join(dataDir, 'custodian.db'), poolSize: 20 });
  await migrateToLatest(db);
  return {
    db,
    dataDir,
    postgresUrl,
    destroy: async () => {
      await db.close();
      if (name) {
        const admin = new pg.Client({ connectionString: benchPostgresUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
