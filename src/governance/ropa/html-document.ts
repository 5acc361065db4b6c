const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * escapeHtml('<b>'); // '&lt;b&gt;'
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

const printCss = `
body{font:11pt/1.45 system-ui,sans-serif;color:#111;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:18pt;margin:0 0 .25rem}h2{font-size:14pt;margin:1.5rem 0 .5rem;border-bottom:1px solid #999}
h3{font-size:12pt;margin:1rem 0 .25rem}table{border-collapse:collapse;width:100%;margin:.25rem 0 .75rem}
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}th{background:#f1f1f1;width:28%}
.meta{color:#555;font-size:9pt}.flag{color:#a00;font-weight:600}ul{margin:.25rem 0 .5rem 1.25rem;padding:0}
section{page-break-inside:avoid}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}section.activity{page-break-before:always}@page{size:A4;margin:18mm}}
`;

/**
 * A standalone printable HTML page (no scripts, no external resources) with print CSS; `body` must already be escaped.
 *
 * @example
 * htmlDocument('Records of processing', `<h1>${escapeHtml(name)}</h1>`);
 */
export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${printCss}</style></head><body>${body}</body></html>\n`;
}

/**
 * A two-column table of label → already-escaped cell HTML.
 *
 * @example
 * htmlRows([['Name', escapeHtml(name)]]);
 */
export function htmlRows(rows: readonly (readonly [string, string])[]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

/**
 * An escaped bullet list, or an em dash when empty.
 *
 * @example
 * htmlList(['a', 'b']); // '<ul><li>a</li><li>b</li></ul>'
 */
export function htmlList(items: readonly string[]): string {
  return items.length === 0 ? '—' : `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}
