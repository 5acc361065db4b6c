import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { csvCell } from './neutralise-cell.ts';

/** Output formats of an export. */
export const exportFormats = ['csv', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/**
 * Streams rows as CSV (header line, cells neutralised against formula injection) or as a JSON array, without
 * holding the whole export in memory.
 *
 * @example
 * reply.type('text/csv').send(exportStream('csv', ['id', 'name'], rows));
 */
export function exportStream(format: ExportFormat, columns: readonly string[], rows: AsyncIterable<Readonly<Record<string, unknown>>>): Readable {
  if (format === 'json') {
    return Readable.from(
      (async function* () {
        yield '[';
        let first = true;
        for await (const row of rows) {
          yield `${first ? '' : ','}\n${JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])))}`;
          first = false;
        }
        yield '\n]\n';
      })(),
    );
  }
  const csv = stringify({ header: true, columns: [...columns], record_delimiter: 'windows' });
  const cells = Readable.from(
    (async function* () {
      for await (const row of rows) yield columns.map((c) => csvCell(row[c]));
    })(),
  );
  cells.on('error', (error) => csv.destroy(error));
  return cells.pipe(csv);
}
