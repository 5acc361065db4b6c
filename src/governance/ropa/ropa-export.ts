import { stringify } from 'csv-stringify/sync';
import type { DpoContact, PartyContact } from '../organisation/organisation-types.ts';
import { escapeHtml, htmlDocument, htmlList, htmlRows } from './html-document.ts';
import type { RopaSnapshot } from './ropa-types.ts';

const party = (p: PartyContact | null) => (p ? [p.name, p.address, p.email, p.phone].filter(Boolean).join(', ') : '');
const dpoText = (d: DpoContact | null) => (d ? [d.name, d.email, d.phone].filter(Boolean).join(', ') : '');

/**
 * The records as CSV: one row per processing activity with every Art. 30(1) item in its own column; lists are
 * joined with `; `. Cells starting with `=`, `+`, `-` or `@` are prefixed with `'` so spreadsheets do not run them.
 *
 * @example
 * const csv = ropaCsv(snapshot); // 'version,taken_at,digest,controller,…'
 */
export function ropaCsv(s: RopaSnapshot): string {
  const d = s.document;
  const safe = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  const rows = d.activities.map((a) =>
    [
      String(s.version),
      s.takenAt,
      s.digest,
      party(d.controller),
      party(d.representative),
      dpoText(d.dpo),
      a.purposeKey,
      a.name,
      a.description,
      a.lawfulBasis,
      a.art9Condition ?? '',
      a.dataSubjects.join('; '),
      a.dataCategories.map((c) => `${c.key}${c.special ? ' (special)' : ''}`).join('; '),
      a.recipients.map((r) => `${r.name} (${r.kind})`).join('; '),
      a.transfers.map((t) => `${t.recipient} → ${t.country}: ${t.safeguards}${t.flags.length ? ` [${t.flags.join(', ')}]` : ''}`).join('; '),
      a.retention,
      a.dataCategories.flatMap((c) => c.attributes.map((x) => `${x.attribute}: ${x.retention}`)).join('; '),
      d.securityMeasures.join(' '),
    ].map(safe),
  );
  return stringify(
    [
      [
        'version', 'taken_at', 'digest', 'controller', 'representative', 'dpo', 'purpose_key', 'activity', 'description',
        'lawful_basis', 'art9_condition', 'data_subjects', 'data_categories', 'recipients', 'transfers', 'retention',
        'retention_per_attribute', 'security_measures',
      ],
      ...rows,
    ],
  );
}

/**
 * The records as a printable HTML document (print CSS, one activity per page when printed).
 *
 * @example
 * reply.type('text/html; charset=utf-8').send(ropaHtml(snapshot));
 */
export function ropaHtml(s: RopaSnapshot): string {
  const d = s.document;
  const head = `<h1>Records of processing activities</h1><p class="meta">Art. 30(1) GDPR · version ${s.version} · taken ${escapeHtml(s.takenAt)} · SHA-256 ${escapeHtml(s.digest)}</p>`;
  const controller = `<section><h2>Controller</h2>${htmlRows([
    ['Controller', escapeHtml(party(d.controller)) || '<span class="flag">missing</span>'],
    ['EU representative', escapeHtml(party(d.representative)) || '—'],
    ['Data protection officer', escapeHtml(dpoText(d.dpo)) || '—'],
  ])}</section>`;
  const open = d.openItems.length ? `<section><h2>Open items</h2><div class="flag">${htmlList(d.openItems)}</div></section>` : '';
  const activities = d.activities
    .map(
      (a) => `<section class="activity"><h2>${escapeHtml(a.name)} <span class="meta">(${escapeHtml(a.purposeKey)}, version ${a.purposeVersion}${a.active ? '' : ', inactive'})</span></h2>${htmlRows([
        ['Purpose', escapeHtml(a.description) || '—'],
        ['Lawful basis', escapeHtml(a.lawfulBasis) + (a.art9Condition ? ` · Art. 9(2): ${escapeHtml(a.art9Condition)}` : '')],
        ['Categories of data subjects', htmlList(a.dataSubjects)],
        ['Categories of personal data', htmlList(a.dataCategories.map((c) => `${c.name} (${c.key})${c.special ? ' — special category' : ''}${c.criminal ? ' — criminal-offence data' : ''}`))],
        ['Recipients', htmlList(a.recipients.map((r) => `${r.name} — ${r.kind.replace('_', '-')}${r.countries.length ? ` (${r.countries.join(', ')})` : ''}${r.status === 'draft' ? ' — draft record' : ''}`))],
        ['Transfers to third countries', htmlList(a.transfers.map((t) => `${t.recipient} → ${t.countryName}: ${t.safeguards}${t.tiaReference ? `; TIA ${t.tiaReference}` : ''}${t.flags.length ? ` [${t.flags.join(', ')}]` : ''}`))],
        ['Erasure time limits', `${escapeHtml(a.retention)} for the purpose${htmlList(a.dataCategories.flatMap((c) => c.attributes.map((x) => `${x.attribute}: ${x.retention}`)))}`],
        ['Roles with access', htmlList(a.accessRoles)],
      ])}</section>`,
    )
    .join('');
  const security = `<section><h2>Technical and organisational security measures</h2>${htmlList(d.securityMeasures)}</section>`;
  return htmlDocument('Records of processing activities', head + controller + open + security + activities);
}
