/** Characters that make a spreadsheet read a cell as a formula (or split it) when they come first. */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One CSV cell, safe to open in a spreadsheet: text starting with `=`, `+`, `-`, `@`, a tab or a carriage return
 * gets a leading `'` (OWASP CSV injection). Numbers and booleans are written as they are; lists are joined with `; `
 * and then neutralised; null is empty.
 *
 * @example
 * csvCell('=HYPERLINK("http://x","y")'); // "'=HYPERLINK(\"http://x\",\"y\")"
 * csvCell(-12);                           // '-12'
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = Array.isArray(value) ? value.map(String).join('; ') : String(value);
  return formulaStart.test(text) ? `'${text}` : text;
}
