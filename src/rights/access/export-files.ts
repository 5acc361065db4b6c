import { strToU8, zipSync, type Zippable } from 'fflate';
import { stringify } from 'csv-stringify/sync';
import { csvCell } from '../../crm/export/neutralise-cell.ts';

/** One section's records as a CSV table. */
export interface SectionTable {
  readonly key: string;
  readonly items: readonly Readonly<Record<string, unknown>>[];
}

/** A cell: lists of plain values joined, objects as JSON, then neutralised against spreadsheet formulas. */
function cellOf(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return csvCell(value);
  if (value !== null && typeof value === 'object') return csvCell(JSON.stringify(value));
  return csvCell(value);
}

/**
 * A section as CSV: one column per property seen (in order of first appearance), one row per record, every cell
 * neutralised like the list exports (`src/crm/export/neutralise-cell.ts`).
 *
 * @example
 * sectionCsv({ key: 'tags', items: [{ tag: '=SUM(A1)' }] }); // "tag\r\n'=SUM(A1)\r\n"
 */
export function sectionCsv(table: SectionTable): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const item of table.items) {
    for (const k of Object.keys(item)) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  }
  if (columns.length === 0) return '';
  const rows = table.items.map((item) => columns.map((c) => cellOf(item[c])));
  return stringify([columns, ...rows], { record_delimiter: 'windows' });
}

/**
 * The zip of an export: the JSON document, one CSV per section under `csv/`, and the readable summary.
 *
 * @example
 * const zip = exportZip({ json, sections, html, at: new Date() });
 */
export function exportZip(input: {
  readonly json: unknown;
  readonly sections: readonly SectionTable[];
  readonly html: string;
  readonly at: Date;
}): Uint8Array {
  const options = { mtime: input.at };
  const files: Zippable = {
    'access-export.json': [strToU8(JSON.stringify(input.json, null, 2)), options],
    'summary.html': [strToU8(input.html), options],
  };
  for (const s of input.sections) files[`csv/${s.key}.csv`] = [strToU8(sectionCsv(s)), options];
  return zipSync(files, { level: 6 });
}
