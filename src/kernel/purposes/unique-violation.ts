/**
 * Whether a database error is a unique or primary-key violation (PostgreSQL SQLSTATE 23505, SQLite
 * `SQLITE_CONSTRAINT_PRIMARYKEY` / `SQLITE_CONSTRAINT_UNIQUE`): two requests created the same thing at once, or
 * another process did before this one's cache knew.
 *
 * @example
 * try { await insert(); } catch (e) { if (isUniqueViolation(e)) throw new AppError('ALREADY_EXISTS'); throw e; }
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
