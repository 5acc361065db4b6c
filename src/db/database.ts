import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

/** An open database: the Kysely handle plus what differs per dialect. */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: DialectName;
  /** SQLite only: the file path (for backup and raw-storage tests). */
  readonly sqliteFile: string | undefined;
  /** SQLite only: the underlying better-sqlite3 handle (backup API). */
  readonly sqlite: SqliteDatabase.Database | undefined;
  /** PostgreSQL only: the connection URL (for pg_dump). */
  readonly postgresUrl: string | undefined;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; otherwise `sqliteFile` is used. */
  readonly postgresUrl?: string | undefined;
  readonly sqliteFile?: string | undefined;
  /** PostgreSQL pool size. */
  readonly poolSize?: number;
  /** PostgreSQL statement timeout in ms. */
  readonly statementTimeoutMs?: number;
  /** Called when an idle PostgreSQL client errors (server restart); the pool replaces it. */
  readonly onPoolError?: (error: Error) => void;
}

// int8 (count(*), bigint ids) as JS numbers: every value we store fits in 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

/**
 * Opens SQLite (WAL, foreign keys, busy timeout) or a PostgreSQL pool.
 *
 * @example
 * const db = openDatabase({ sqliteFile: './data/custodian.db' });
 */
export function openDatabase(options: DatabaseOptions): Db {
  if (options.postgresUrl) return openPostgres(options.postgresUrl, options);
  const file = options.sqliteFile;
  if (!file) throw new Error('openDatabase needs a postgresUrl or a sqliteFile');
  return openSqlite(file);
}

function openSqlite(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const handle = new SqliteDatabase(file);
  handle.pragma('journal_mode = WAL');
  handle.pragma('foreign_keys = ON');
  // Deleted content (destroyed data keys, erased values) is overwritten, not left in free pages.
  handle.pragma('secure_delete = ON');
  handle.pragma('busy_timeout = 5000');
  handle.pragma('synchronous = NORMAL');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
  let pingStatement: SqliteDatabase.Statement | undefined;
  return {
    kysely,
    dialect: 'sqlite',
    sqliteFile: file,
    sqlite: handle,
    postgresUrl: undefined,
    ping: async () => {
      try {
        pingStatement ??= handle.prepare('select 1');
        pingStatement.get();
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      await kysely.destroy();
      // Kysely closes the handle only if it ever ran a query; a database opened and closed unused must close too.
      if (handle.open) handle.close();
    },
  };
}

/**
 * Kysely's SQLite driver prepares every statement anew (about an eighth of a point read's CPU time). This keeps the
 * last 500 prepared statements by SQL text; a statement is reused only when not in the middle of an iteration.
 *
 * Transactions begin IMMEDIATE: they take the write lock at the start and wait for it (`busy_timeout`). A deferred
 * `begin` reads first and upgrades later, and when another process (the CLI, a second server) committed in between,
 * SQLite refuses the upgrade at once with SQLITE_BUSY ("database is locked") instead of waiting. Inside one process
 * Kysely already runs one transaction at a time on the one connection, so nothing is lost.
 */
function withStatementCache(handle: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => handle.close(),
    prepare: (sqlText: string) => {
      const text = sqlText === 'begin' ? 'begin immediate' : sqlText;
      const hit = cache.get(text);
      if (hit && !hit.busy) {
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const stmt = handle.prepare(text);
      cache.set(text, stmt);
      if (cache.size > 500) cache.delete(cache.keys().next().value as string);
      return stmt;
    },
  } as SqliteDialectConfig['database'];
}

function openPostgres(url: string, options: DatabaseOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client that loses its server emits 'error'; without a handler the process would crash.
  pool.on('error', (error) => options.onPoolError?.(error));
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    dialect: 'postgres',
    sqliteFile: undefined,
    sqlite: undefined,
    postgresUrl: url,
    ping: async () => {
      try {
        await sql`select 1`.execute(kysely);
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      await kysely.destroy();
    },
  };
}
