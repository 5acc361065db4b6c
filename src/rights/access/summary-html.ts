import type { AccessExportKind } from './access-export-types.ts';
import type { SectionTable } from './export-files.ts';
import { summaryTextsOf, type SummaryLanguage } from './summary-texts.ts';

/** Records shown per section in the summary; the files hold them all. */
const shownPerSection = 50;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object'))
    return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function table(items: SectionTable['items']): string {
  const columns = [...new Set(items.flatMap((i) => Object.keys(i)))];
  const head = columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = items
    .map((i) => `<tr>${columns.map((c) => `<td>${escapeHtml(display(i[c]))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * The readable summary of an export, in the person's language: a heading and a plain explanation per section, the
 * number of records and the first ones as a table. Every value is escaped; nothing is loaded from elsewhere.
 *
 * @example
 * const html = summaryHtml({ kind: 'access', language: 'fr', generatedAt, sections, flaggedCount: 0 });
 */
export function summaryHtml(input: {
  readonly kind: AccessExportKind;
  readonly language: SummaryLanguage;
  readonly generatedAt: string;
  readonly sections: readonly SectionTable[];
  readonly flaggedCount: number;
}): string {
  const t = summaryTextsOf(input.language);
  const parts = input.sections.map((s) => {
    const [heading, explanation] = t.sections[s.key] ?? [s.key, t.otherSection];
    const count = s.items.length;
    const shown = count === 0 ? `<p>${escapeHtml(t.none)}</p>` : table(s.items.slice(0, shownPerSection));
    const more = count > shownPerSection ? `<p class="note">${escapeHtml(t.truncated)}</p>` : '';
    return `<section id="${escapeHtml(s.key)}">
<h2>${escapeHtml(heading)} <small>(${count} ${escapeHtml(t.records)})</small></h2>
<p>${escapeHtml(explanation)}</p>
${shown}${more}
</section>`;
  });
  return `<!doctype html>
<html lang="${input.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title[input.kind])}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
h2 small { font-weight: normal; color: #555; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.875rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.note, .flagged { color: #555; font-style: italic; }
</style>
</head>
<body>
<h1>${escapeHtml(t.title[input.kind])}</h1>
<p>${escapeHtml(t.intro[input.kind])}</p>
<p>${escapeHtml(t.generatedAt)} ${escapeHtml(input.generatedAt)}</p>
<p>${escapeHtml(t.files)}</p>
${input.flaggedCount > 0 ? `<p class="flagged">${escapeHtml(t.flagged)}</p>` : ''}
${parts.join('\n')}
</body>
</html>
`;
}
