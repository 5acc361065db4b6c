import type { EvidenceReport } from './consent-evidence-report.ts';

const escape = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The evidence report as a self-contained printable HTML page for an auditor (no script, print styles).
 *
 * @example
 * reply.type('text/html; charset=utf-8').send(evidenceReportHtml(report, 'Acme Ltd'));
 */
export function evidenceReportHtml(report: EvidenceReport, organisation: string): string {
  const filter = Object.entries(report.filter)
    .filter(([, v]) => v)
    .map(([k, v]) => `${escape(k)}: ${escape(v)}`)
    .join(', ');
  const sections = report.records
    .map(
      (r) => `<section>
<h2>${escape(r.purpose)} — ${escape(r.subjectPseudonym)}</h2>
<p class="meta">Record ${escape(r.recordId)}</p>
<table>
<thead><tr><th>When (UTC)</th><th>State</th><th>Method</th><th>Notice version</th><th>Jurisdiction</th><th>Evidence</th><th>Expires</th></tr></thead>
<tbody>
${r.events
  .map(
    (e) => `<tr><td>${escape(e.at)}</td><td>${escape(e.state)}${e.explicit ? ' (explicit)' : ''}</td><td>${escape(e.method)}</td><td>${escape(e.noticeVersionId ?? '—')}</td><td>${escape(e.jurisdiction)}</td><td>${Object.entries(e.evidence)
      .map(([k, v]) => `${escape(k)}: ${escape(v)}`)
      .join('<br>')}</td><td>${escape(e.expiresAt ?? '—')}</td></tr>
<tr class="receipt"><td colspan="7">Receipt (JWS, verify at <code>POST /api/v1/public/receipts/verify</code>): <code>${escape(e.receipt)}</code></td></tr>`,
  )
  .join('\n')}
</tbody>
</table>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Consent evidence — ${escape(organisation)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#111}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eee}.meta{color:#555;margin:.2rem 0}.receipt td{font-size:11px;color:#444;word-break:break-all}
@media print{body{margin:0}section{break-inside:avoid}}
</style></head><body>
<h1>Consent evidence — ${escape(organisation)}</h1>
<p class="meta">Generated ${escape(report.generatedAt)} for ${filter}. ${report.records.length} record(s)${report.truncated ? ' (truncated: narrow the filter)' : ''}. People are named by pseudonym.</p>
${sections || '<p>No consent recorded for this filter.</p>'}
</body></html>`;
}
