import { CompiledQuery, type Kysely } from 'kysely';
import type { DialectName } from './database.ts';
import type { Database } from './schema.ts';

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const maxParameters = 30_000;
/** Rows per statement at most, whatever the column count. */
const maxRows = 1000;

const texts = new Map<string, string>();

function statementText(dialect: DialectName, table: string, columns: readonly string[], rowCount: number): string {
  const cacheKey = `${dialect}\u0000${table}\u0000${columns.join(',')}\u0000${rowCount}`;
  const cached = texts.get(cacheKey);
  if (cached) return cached;
  let n = 0;
  const tuples: string[] = [];
  for (let r = 0; r < rowCount; r += 1) {
    const marks: string[] = [];
    for (let c = 0; c < columns.length; c += 1) marks.push(dialect === 'postgres' ? `$${(n += 1)}` : '?');
    tuples.push(`(${marks.join(',')})`);
  }
  const text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${tuples.join(',')}`;
  if (texts.size >= 200) texts.delete(texts.keys().next().value as string);
  texts.set(cacheKey, text);
  return text;
}

/** Rows per PostgreSQL statement (one JSON parameter: only its size grows). */
const maxJsonRows = 5000;

/** A value as JSON text for PostgreSQL's input functions: bytes in bytea's hex form, the rest as they are. */
function jsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  return Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : value;
}

/**
 * Inserts row objects into `table`, reading `columns` of each row, without the query builder's per-value work (on the
 * bulk create's 10,000 values a batch it cost more CPU than the database's own insert). Values are bound, never
 * spliced into the text; table and column names come from code.
 *
 * - SQLite: multi-row `values` statements under the parameter limit, whose text depends only on the table, the
 *   columns and the row count, so full chunks reuse one prepared statement (the handle caches them by text).
 * - PostgreSQL: one parameter, the rows as a JSON array, expanded by `json_populate_recordset` with the table's own
 *   row type (so every column keeps its type, bytea from its hex form). Measured against a 30,000-parameter `values`
 *   statement on 6,000 rows: half the time (the server parses and plans one parameter, not 30,000).
 *
 * @example
 * await multiRowInsert(trx, 'sqlite', 'person_tags', ['workspace_id', 'person_id', 'tag'], tags);
 */
export async function multiRowInsert<T extends keyof Database>(
  trx: Kysely<Database>,
  dialect: DialectName,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  rows: readonly Database[T][],
): Promise<void> {
  if (rows.length === 0) return;
  if (dialect === 'postgres') {
    const names = columns.map((c) => `"${c}"`).join(',');
    const text = `insert into "${table}" (${names}) select ${names} from json_populate_recordset(null::"${table}", $1::json)`;
    for (let start = 0; start < rows.length; start += maxJsonRows) {
      const part = rows.slice(start, start + maxJsonRows).map((r) => {
        const row = r as unknown as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const column of columns) out[column] = jsonValue(row[column]);
        return out;
      });
      await trx.executeQuery(CompiledQuery.raw(text, [JSON.stringify(part)]));
    }
    return;
  }
  const perStatement = Math.max(1, Math.min(maxRows, Math.floor(maxParameters / columns.length)));
  for (let start = 0; start < rows.length; start += perStatement) {
    const end = Math.min(rows.length, start + perStatement);
    const parameters: unknown[] = new Array((end - start) * columns.length);
    let i = 0;
    for (let r = start; r < end; r += 1) {
      const row = rows[r] as unknown as Record<string, unknown>;
      for (const column of columns) {
        const value = row[column];
        parameters[i++] = value === undefined ? null : value;
      }
    }
    await trx.executeQuery(CompiledQuery.raw(statementText(dialect, table, columns, end - start), parameters));
  }
}
