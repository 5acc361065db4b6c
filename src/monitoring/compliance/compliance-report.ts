import { stringify } from 'csv-stringify/sync';
import { escapeHtml, htmlDocument } from '../../governance/ropa/html-document.ts';
import type { RunComparison, RunReport } from './compliance-types.ts';

/**
 * A run's findings as CSV, one row per finding (evidence as JSON: ids, counts and dates only).
 *
 * @example
 * fs.writeFileSync('compliance.csv', complianceReportCsv(report));
 */
export function complianceReportCsv(report: RunReport): string {
  return stringify(
    report.items.map((f) => [
      report.id,
      report.finishedAt,
      f.severity,
      f.checkKey,
      f.group,
      f.title,
      f.subject,
      JSON.stringify(f.evidence),
      f.fixLink,
      f.reference,
    ]),
    {
      header: true,
      columns: [
        'run_id',
        'run_at',
        'severity',
        'check',
        'group',
        'title',
        'subject',
        'evidence',
        'fix_link',
        'reference',
      ],
    },
  );
}

/**
 * A printable HTML report of a run: score, counts per severity, the comparison with the run before, every finding.
 *
 * @example
 * reply.type('text/html').send(complianceReportHtml(report, comparison));
 */
export function complianceReportHtml(report: RunReport, comparison?: RunComparison): string {
  const sev = report.bySeverity;
  const change =
    comparison && comparison.previousRunId
      ? `<p>Compared with the previous run (score ${escapeHtml(comparison.previousScore)}): ${comparison.newFindings.length} new, ${comparison.resolvedFindings.length} resolved, ${comparison.unchanged} unchanged.</p>`
      : '<p>No previous run to compare with.</p>';
  const rows = report.items
    .map(
      (f) =>
        `<tr><td>${escapeHtml(f.severity)}</td><td><strong>${escapeHtml(f.title)}</strong><br><span class="meta">${escapeHtml(f.checkKey)} · ${escapeHtml(f.reference)}</span></td>` +
        `<td>${escapeHtml(f.subject)}</td><td><code>${escapeHtml(JSON.stringify(f.evidence))}</code></td><td>${escapeHtml(f.fixLink)}</td></tr>`,
    )
    .join('');
  const skipped = report.skipped.length
    ? `<p class="meta">Not run (area not installed): ${report.skipped.map((s) => escapeHtml(s.key)).join(', ')}.</p>`
    : '';
  const body =
    `<h1>Compliance audit</h1><p class="meta">Run ${escapeHtml(report.id)} · ${escapeHtml(report.finishedAt)} · ${escapeHtml(report.trigger)}</p>` +
    `<h2>Score ${report.score} / 100</h2><p>${report.checksRun} checks run, ${report.checksFailed} with findings: ` +
    `${sev.critical} critical, ${sev.high} high, ${sev.medium} medium, ${sev.low} low.</p>${change}${skipped}` +
    `<h2>Findings</h2>${report.items.length ? `<table><tr><th>Severity</th><th>Check</th><th>Subject</th><th>Evidence</th><th>Fix at</th></tr>${rows}</table>` : '<p>No findings.</p>'}`;
  return htmlDocument('Compliance audit', body);
}
