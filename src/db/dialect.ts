import { sql, type ColumnDefinitionBuilder, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { DialectName } from './database.ts';

/**
 * The few places where SQLite and PostgreSQL differ, in one file. Everything else uses Kysely's portable builder.
 */

/** Column type for raw bytes (ciphertexts, hashes): BLOB on SQLite, BYTEA on PostgreSQL. */
export function binaryType(dialect: DialectName): 'blob' | RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`bytea` : 'blob';
}

/** Column type for 64-bit integers (sequences, counters). */
export function bigIntType(dialect: DialectName): 'integer' | 'bigint' {
  return dialect === 'postgres' ? 'bigint' : 'integer';
}

/** A column that numbers rows by itself. */
export function autoIncrement(dialect: DialectName) {
  return (col: ColumnDefinitionBuilder) =>
    dialect === 'postgres'
      ? col.primaryKey().generatedByDefaultAsIdentity()
      : col.primaryKey().autoIncrement();
}

/**
 * Row lock for the rest of the transaction. PostgreSQL takes `FOR UPDATE`; SQLite needs nothing because a write
 * transaction already excludes every other writer.
 */
export function forUpdate<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  dialect: DialectName,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate() : query;
}

/** Same as `forUpdate` but skips rows another transaction holds (job leases on PostgreSQL). */
export function forUpdateSkipLocked<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  dialect: DialectName,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
}

/** Bytes read from the database as a Buffer (better-sqlite3 gives Buffer, pg gives Buffer too; kept for clarity). */
export function toBuffer(value: Uint8Array | Buffer): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value);
}

/** Dialect of an open Kysely handle, for migrations that need it. */
export function dialectOf(db: Kysely<unknown>): DialectName {
  const name = db.getExecutor().adapter.constructor.name;
  return name.startsWith('Postgres') ? 'postgres' : 'sqlite';
}
