import { csvCell } from '../../crm/export/neutralise-cell.ts';
import { zipArchive, type ZipEntry } from './zip-archive.ts';

/** One section's records as a CSV table. */
export interface SectionTable {
  readonly key: string;
  readonly items: readonly Readonly<Record<string, unknown>>[];
}

/** RFC 4180 quoting: a field holding a comma, a quote or a line break is quoted, its quotes doubled. */
function quoted(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
  // Written by hand: csv-stringify was a visible share of a 10,000-activity export (bench/access-export).
  const lines = [columns.map(quoted).join(',')];
  for (const item of table.items) lines.push(columns.map((c) => quoted(cellOf(item[c]))).join(','));
  return `${lines.join('\r\n')}\r\n`;
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
  const text = (t: string) => Buffer.from(t, 'utf8');
  const files: ZipEntry[] = [
    { name: 'access-export.json', data: text(JSON.stringify(input.json)) },
    { name: 'summary.html', data: text(input.html) },
    ...input.sections.map((s) => ({ name: `csv/${s.key}.csv`, data: text(sectionCsv(s)) })),
  ];
  return zipArchive(files, input.at);
}
