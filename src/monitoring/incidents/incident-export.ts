import type { Incident, TimelineEntry } from './incident-types.ts';
import type { RecipientContact, RecipientList } from './incident-recipients.ts';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** A CSV cell: quoted, with formula-leading characters neutralised (spreadsheet injection). */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * The CSV of whom to notify: pseudonym and channel, plus name, email and phone when the gated contact export ran.
 *
 * @example
 * recipientsCsv(list.recipients); // "pseudonym","channel"\r\n…
 */
export function recipientsCsv(
  rows: readonly (RecipientList['recipients'][number] | RecipientContact)[],
): string {
  const withContacts = rows.some((r) => 'email' in r);
  const header = withContacts ? ['pseudonym', 'channel', 'name', 'email', 'phone'] : ['pseudonym', 'channel'];
  const lines = rows.map((r) =>
    (withContacts && 'email' in r
      ? [r.pseudonym, r.channel, r.name, r.email, r.phone]
      : [r.pseudonym, r.channel]
    )
      .map(cell)
      .join(','),
  );
  return [header.map(cell).join(','), ...lines].join('\r\n') + '\r\n';
}

/**
 * The register entry as a printable HTML page (Art. 33(5) documentation): facts, numbers, assessment, clock,
 * notifications and the timeline. Self-contained, no scripts.
 *
 * @example
 * reply.type('text/html').send(incidentHtml(incident, timeline));
 */
export function incidentHtml(i: Incident, timeline: readonly TimelineEntry[]): string {
  const row = (k: string, v: string) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
  const e = i.effective;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(i.reference)} ${esc(i.title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem;max-width:60rem}th{text-align:left;vertical-align:top;padding:.25rem 1rem .25rem 0;width:16rem}td{white-space:pre-wrap}h2{margin-top:2rem}table{border-collapse:collapse}@media print{body{margin:0}}</style>
</head><body>
<h1>${esc(i.reference)}: ${esc(i.title)}</h1>
<p>Personal data breach register (Art. 33(5) GDPR). Status: ${esc(i.status)}.</p>
<h2>Facts</h2><table>
${row('Occurred', i.occurredTo ? `${i.occurredFrom} to ${i.occurredTo}` : `from ${i.occurredFrom}`)}
${row('Aware at', i.awareAt)}
${row('Notification deadline (72 h)', `${i.clock.deadline} (${i.clock.state})`)}
${row('Nature', i.nature.join(', ') || '(not set)')}
${row('Description', i.description || '(not set)')}
${row('Accounts involved', i.involvedActors.map((a) => `${a.type} ${a.id}`).join('\n') || '(none)')}
</table>
<h2>People, records and data</h2><table>
${row('Approximate number of people', e.people === null ? '(unknown)' : String(e.people))}
${row('Approximate number of records', e.records === null ? '(unknown)' : String(e.records))}
${row('Categories of data', e.categories.join(', ') || '(none)')}
${row('Special categories', e.specialCategories.join(', ') || 'none')}
${row('Source of the numbers', e.source === 'override' && i.scopeOverride ? `set by staff: ${i.scopeOverride.reason}` : e.source)}
${i.scope ? row('Computed from', `${i.scope.entries} audit entries (seq ${i.scope.firstSeq ?? '-'} to ${i.scope.lastSeq ?? '-'}), ${i.scope.identifiedPeople} people named, ${i.scope.bulkOperations} bulk operations covering ${i.scope.bulkPeople}`) : ''}
</table>
<h2>Consequences and measures</h2><table>
${row('Likely consequences', i.consequences || '(not set)')}
${row('Measures taken', i.measuresTaken || '(not set)')}
${row('Measures proposed', i.measuresProposed || '(not set)')}
${row('Advice to the people', i.adviceToPeople || '(not set)')}
</table>
<h2>Risk assessment</h2><table>
${row('Likelihood x severity', i.assessment.score === null ? '(not assessed)' : `${i.likelihood} x ${i.severity} = ${i.assessment.score} (${i.assessment.level})`)}
${row('Notify the authority', i.assessment.authorityRequired ? 'yes' : 'no')}
${row('Notify the people', i.assessment.peopleRequired ? 'yes' : i.assessment.publicCommunication ? 'public communication' : 'no')}
${row('Reasoning', i.assessment.reasons.join('\n'))}
${i.noNotificationReason ? row('Why not notified', i.noNotificationReason) : ''}
${i.lateReason ? row('Reasons for delay', i.lateReason) : ''}
${row('Authority notified', i.authorityNotifiedAt ? `${i.authorityNotifiedAt}${i.authorityReference ? ` (case ${i.authorityReference})` : ''}` : 'not yet')}
${row('People notified', i.peopleNotifiedAt ?? 'not yet')}
</table>
<h2>Timeline</h2><table>
${timeline.map((t) => row(t.at, `${t.kind}: ${t.note} (${t.actor.type}${t.actor.id ? ` ${t.actor.id}` : ''})`)).join('\n')}
</table>
</body></html>
`;
}
