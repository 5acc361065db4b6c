import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/**
 * Migrated database templates shared by every test of a run (and by later runs while the schema is unchanged).
 *
 * Migrating a fresh database takes 3–5 s on PostgreSQL and ~0.3 s on SQLite on the shared 2-core machine; copying a
 * migrated one takes ~0.2 s (`CREATE DATABASE … TEMPLATE`) and a few ms (file copy). Each test database is still its
 * own: a copy, not a shared database.
 *
 * A template is named after a fingerprint of what migrating produces: the migration files and every source file
 * they import (followed through relative imports), plus the UTC day, since seeding migrations stamp rows with the
 * system clock. Editing a migration or a seeder therefore builds a new template at the next run.
 */

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const migrationsDir = path.join(srcDir, 'db', 'migrations');
const templatePrefix = 'custodian_tpl_';
const sqliteTemplatePrefix = 'custodian-test-template-';

/** Relative `.ts` imports of one source file (static, side-effect, dynamic and type-only). */
function relativeImports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = path.resolve(path.dirname(file), m[1] as string);
    if (target.endsWith('.ts') && fs.existsSync(target)) found.push(target);
  }
  return found;
}

let memoFingerprint: string | undefined;

/** Hash of the migration files, the files they import (transitively), `migrate.ts` itself, and today's UTC date. */
export function schemaFingerprint(): string {
  if (memoFingerprint) return memoFingerprint;
  const roots = fs
    .readdirSync(migrationsDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(migrationsDir, f));
  roots.push(path.join(srcDir, 'db', 'migrate.ts'));
  const seen = new Set<string>();
  const queue = [...roots];
  const hash = createHash('sha256');
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    queue.push(...relativeImports(file, text));
  }
  for (const file of [...seen].sort()) {
    hash.update(path.relative(srcDir, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  hash.update(new Date().toISOString().slice(0, 10));
  memoFingerprint = hash.digest('hex').slice(0, 16);
  return memoFingerprint;
}

/**
 * Path of a migrated SQLite file for the current schema, built on first use. Builders write a private file and
 * rename it into place, so a reader never sees half a template; two processes building at once both succeed.
 */
export async function sqliteTemplateFile(): Promise<string> {
  const fingerprint = schemaFingerprint();
  const file = path.join(os.tmpdir(), `${sqliteTemplatePrefix}${fingerprint}.db`);
  if (fs.existsSync(file)) return file;
  const building = path.join(os.tmpdir(), `${sqliteTemplatePrefix}${fingerprint}-${randomBytes(4).toString('hex')}.building`);
  const db = openDatabase({ sqliteFile: building });
  try {
    await migrateToLatest(db);
    // Fold the write-ahead log into the file: the template is the one file, copied as is.
    db.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await db.close();
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${building}${suffix}`, { force: true });
  fs.renameSync(building, file);
  // Templates of earlier schemas: nothing needs them any more (a reader that copies one just now still has it open).
  for (const old of fs.readdirSync(os.tmpdir())) {
    if (old.startsWith(sqliteTemplatePrefix) && old.endsWith('.db') && old !== path.basename(file)) {
      fs.rmSync(path.join(os.tmpdir(), old), { force: true });
    }
  }
  return file;
}

/**
 * Copies the SQLite template to `target` (a fresh file), building the template first if needed.
 *
 * @example
 * await copySqliteTemplate(path.join(dataDir, 'custodian.db'));
 */
export async function copySqliteTemplate(target: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const file = await sqliteTemplateFile();
    try {
      fs.copyFileSync(file, target, fs.constants.COPYFILE_FICLONE);
      return;
    } catch (error) {
      // Removed by a run that built a newer template between our check and the copy: build ours again.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw error;
    }
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Templates this process has seen built (no lock round trip for the next copy). */
const knownTemplates = new Set<string>();

/**
 * Name of a migrated PostgreSQL template database for the current schema, built on first use under an advisory
 * lock (one builder per server; the others wait, then find it). It accepts no connections once built, so that
 * `CREATE DATABASE … TEMPLATE` never finds it in use.
 */
export async function postgresTemplate(adminUrl: string): Promise<string> {
  const fingerprint = schemaFingerprint();
  const name = `${templatePrefix}${fingerprint}`;
  if (knownTemplates.has(`${adminUrl} ${name}`)) return name;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // The lock key: the fingerprint's first 15 hex digits as a bigint (fits in a signed 64-bit integer).
    const lockKey = BigInt(`0x${fingerprint.slice(0, 15)}`).toString();
    await admin.query('select pg_advisory_lock($1::bigint)', [lockKey]);
    try {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) {
        const building = `${name}_building`;
        await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${building}`);
        const db = openDatabase({ postgresUrl: withDatabase(adminUrl, building), poolSize: 2 });
        try {
          await migrateToLatest(db);
        } finally {
          await db.close();
        }
        await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
        await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
        await dropOtherTemplates(admin, name);
      }
    } finally {
      await admin.query('select pg_advisory_unlock($1::bigint)', [lockKey]);
    }
  } finally {
    await admin.end();
  }
  knownTemplates.add(`${adminUrl} ${name}`);
  return name;
}

/** Drops the templates of earlier schemas, best effort (one being copied right now is left for the next build). */
async function dropOtherTemplates(admin: pg.Client, keep: string): Promise<void> {
  const others = await admin.query<{ datname: string }>(
    `select datname from pg_database where datname like '${templatePrefix}%' and datname <> $1`,
    [keep],
  );
  for (const { datname } of others.rows) {
    try {
      await admin.query(`ALTER DATABASE ${datname} WITH IS_TEMPLATE false`);
      await admin.query(`DROP DATABASE ${datname}`);
    } catch {
      // In use by another run's copy: it goes at the next build.
    }
  }
}

/**
 * Creates database `name` as a copy of the migrated template. Retries once if another run dropped the template
 * between our look-up and the copy.
 *
 * @example
 * await createFromPostgresTemplate(admin, adminUrl, 'custodian_test_ab12');
 */
export async function createFromPostgresTemplate(admin: pg.Client, adminUrl: string, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const template = await postgresTemplate(adminUrl);
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '3D000' || attempt > 0) throw error;
      knownTemplates.clear();
    }
  }
}

/**
 * Drops every template this module builds (PostgreSQL databases and SQLite files), so a test run leaves nothing
 * behind. Called once when a vitest run ends (`template-teardown.ts`); the next run builds them again.
 */
export async function dropAllTemplates(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await dropOtherTemplates(admin, '');
  } catch {
    // No PostgreSQL server in this run (SQLite-only tests): nothing was built there.
  } finally {
    await admin.end().catch(() => undefined);
  }
  for (const file of fs.readdirSync(os.tmpdir())) {
    if (file.startsWith(sqliteTemplatePrefix)) fs.rmSync(path.join(os.tmpdir(), file), { force: true });
  }
  knownTemplates.clear();
}
