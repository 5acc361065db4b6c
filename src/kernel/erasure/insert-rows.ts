import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { DialectName } from '../../db/database.ts';

/** Bind parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const maxParameters = 30_000;
const maxRowsPerStatement = 1000;

const texts = new Map<string, string>();

function statementText(
  dialect: DialectName,
  table: string,
  columns: readonly string[],
  rowCount: number,
  conflictColumns: readonly string[] | undefined,
): string {
  const cacheKey = `${dialect}\u0000${table}\u0000${columns.join(',')}\u0000${rowCount}\u0000${conflictColumns?.join(',') ?? ''}`;
  let text = texts.get(cacheKey);
  if (text) return text;
  const quote = (name: string) => `"${name}"`;
  let n = 0;
  const rows: string[] = [];
  for (let r = 0; r < rowCount; r += 1) {
    const marks: string[] = [];
    for (let c = 0; c < columns.length; c += 1) marks.push(dialect === 'postgres' ? `$${(n += 1)}` : '?');
    rows.push(`(${marks.join(', ')})`);
  }
  text = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${rows.join(', ')}`;
  if (conflictColumns) text += ` on conflict (${conflictColumns.map(quote).join(', ')}) do nothing`;
  if (texts.size > 200) texts.clear();
  texts.set(cacheKey, text);
  return text;
}

/**
 * Inserts many rows given as value arrays (in `columns` order) in multi-row statements whose text depends only on the
 * table, the columns and the number of rows, so full chunks reuse one prepared statement (the SQLite handle caches
 * statements by text). Skips the query builder's per-value work, which cost more CPU than SQLite's own insert on
 * batches of a thousand rows. For the batched erasure's evidence rows; values are bound, never spliced.
 *
 * @example
 * await insertRows(trx, 'sqlite', 'suppressions', ['workspace_id', 'kind', 'hash', 'reason', 'created_at', 'run_id'], rows, { onConflictDoNothing: ['workspace_id', 'kind', 'hash'] });
 */
export async function insertRows(
  trx: Kysely<Database>,
  dialect: DialectName,
  table: keyof Database,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: { readonly onConflictDoNothing?: readonly string[] } = {},
): Promise<void> {
  const perStatement = Math.max(1, Math.min(maxRowsPerStatement, Math.floor(maxParameters / columns.length)));
  for (let start = 0; start < rows.length; start += perStatement) {
    const part = rows.slice(start, start + perStatement);
    const parameters: unknown[] = [];
    for (const row of part) {
      if (row.length !== columns.length) throw new Error(`insertRows: a row of ${table} has ${row.length} values for ${columns.length} columns`);
      for (const value of row) parameters.push(value);
    }
    const text = statementText(dialect, table, columns, part.length, options.onConflictDoNothing);
    await trx.executeQuery(CompiledQuery.raw(text, parameters));
  }
}
