import { escapeHtml, htmlDocument, htmlList, htmlRows } from '../ropa/html-document.ts';
import { dpiaRiskKeys, type Dpia, type DpiaRiskKey } from './dpia-types.ts';
import { highRiskCriteria } from './high-risk-criteria.ts';

/** Names of the feared events. */
export const dpiaRiskLabels: Record<DpiaRiskKey, string> = {
  illegitimate_access: 'Illegitimate access to data',
  unwanted_modification: 'Unwanted modification of data',
  disappearance: 'Disappearance of data',
};

const levels = ['', 'Negligible', 'Limited', 'Significant', 'Maximum'];
const level = (n: number | null) => (n === null ? '—' : `${n} — ${levels[n] ?? ''}`);

/** The 4×4 risk map (severity up, likelihood across) with each risk placed in its cell. */
function riskMap(d: Dpia): string {
  const cell = (s: number, l: number) =>
    dpiaRiskKeys
      .filter((k) => d.risks[k].severity === s && d.risks[k].likelihood === l)
      .map((k) => escapeHtml(dpiaRiskLabels[k]))
      .join('<br>');
  const rows = [4, 3, 2, 1]
    .map((s) => `<tr><th>Severity ${s}</th>${[1, 2, 3, 4].map((l) => `<td>${cell(s, l)}</td>`).join('')}</tr>`)
    .join('');
  return `<table><tr><th></th>${[1, 2, 3, 4].map((l) => `<th>Likelihood ${l}</th>`).join('')}</tr>${rows}</table>`;
}

/**
 * A DPIA as a printable HTML document in the order of the CNIL method: context, principles, risks, risk map, action
 * plan, DPO opinion and validation.
 *
 * @example
 * reply.type('text/html; charset=utf-8').send(dpiaHtml(dpia, names));
 */
export function dpiaHtml(d: Dpia, userNames: ReadonlyMap<string, string>): string {
  const criteria = highRiskCriteria.filter((c) => d.criteria.includes(c.key)).map((c) => c.label);
  const head = `<h1>${escapeHtml(d.title)}</h1><p class="meta">Data protection impact assessment (Art. 35 GDPR, CNIL method) · version ${d.version} · ${d.status === 'signed' ? `signed ${escapeHtml(d.signedAt)} by ${escapeHtml(userNames.get(d.signedBy ?? '') ?? d.signedBy)}` : 'draft'}${d.review.needed ? ` · <span class="flag">needs review: ${escapeHtml(d.review.reasons.join('; '))}</span>` : ''}</p>`;
  const screening = `<section><h2>Screening (WP248)</h2><p>${d.screening.count} of 9 criteria met — a DPIA is ${d.screening.recommended ? '' : 'not '}recommended.</p>${htmlList(criteria)}</section>`;
  const context = `<section><h2>1. Context</h2>${htmlRows([
    ['Processing', escapeHtml(d.context.description) || '—'],
    ['Purposes covered', htmlList(d.context.purposeKeys)],
    ['Data categories', htmlList(d.context.dataCategories)],
    ['Retention', escapeHtml(d.context.retention) || '—'],
    ['Supporting assets', escapeHtml(d.context.supportingAssets) || '—'],
  ])}</section>`;
  const principles = `<section><h2>2. Fundamental principles</h2>${htmlRows([
    ['Necessity and proportionality', escapeHtml(d.principles.necessityAndProportionality) || '—'],
    ['Measures protecting the rights of data subjects', escapeHtml(d.principles.rightsMeasures) || '—'],
  ])}</section>`;
  const risks = `<section><h2>3. Risks</h2>${dpiaRiskKeys
    .map((k) => {
      const r = d.risks[k];
      return `<h3>${escapeHtml(dpiaRiskLabels[k])}</h3>${htmlRows([
        ['Impacts on data subjects', htmlList(r.impacts)],
        ['Threats', htmlList(r.threats)],
        ['Risk sources', htmlList(r.sources)],
        ['Existing measures', htmlList(r.existingMeasures)],
        ['Planned measures', htmlList(r.plannedMeasures)],
        ['Severity', level(r.severity)],
        ['Likelihood', level(r.likelihood)],
      ])}`;
    })
    .join('')}</section>`;
  const map = `<section><h2>4. Risk map</h2>${riskMap(d)}</section>`;
  const plan = `<section><h2>5. Action plan</h2>${
    d.actionPlan.length === 0
      ? '<p>—</p>'
      : `<table><tr><th>Measure</th><th>Owner</th><th>Due</th><th>Status</th></tr>${d.actionPlan
          .map((a) => `<tr><td>${escapeHtml(a.measure)}</td><td>${escapeHtml(userNames.get(a.ownerUserId) ?? a.ownerUserId)}</td><td>${escapeHtml(a.dueOn)}</td><td>${escapeHtml(a.status.replace('_', ' '))}</td></tr>`)
          .join('')}</table>`
  }</section>`;
  const validation = `<section><h2>6. DPO opinion and validation</h2>${htmlRows([
    ["DPO's opinion", escapeHtml(d.dpoOpinion) || '—'],
    ['Signed', d.signedAt ? `${escapeHtml(d.signedAt)} by ${escapeHtml(userNames.get(d.signedBy ?? '') ?? d.signedBy)}` : 'not signed'],
    ['Next review', escapeHtml(d.reviewOn) || '—'],
  ])}</section>`;
  return htmlDocument(d.title, head + screening + context + principles + risks + map + plan + validation);
}
