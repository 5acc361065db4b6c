import { findDefaultCategory } from '../../kernel/catalogue/taxonomy.ts';
import type { LawfulBasis, PurposeRecord } from '../../kernel/purposes/purpose-types.ts';

const basisText: Record<LawfulBasis, string> = {
  consent: 'your consent (GDPR Art. 6(1)(a)). You may withdraw it at any time, as easily as you gave it; withdrawal does not affect processing done before it.',
  contract: 'the performance of a contract with you, or steps you asked for before entering into one (GDPR Art. 6(1)(b)).',
  legal_obligation: 'a legal obligation we are subject to (GDPR Art. 6(1)(c)).',
  vital_interests: 'the protection of your vital interests or those of another person (GDPR Art. 6(1)(d)).',
  public_task: 'a task carried out in the public interest or in the exercise of official authority (GDPR Art. 6(1)(e)).',
  legitimate_interests: 'our legitimate interests (GDPR Art. 6(1)(f)), balanced against your interests and rights.',
};

/** ISO 8601 duration in words (`P3Y` → `3 years`). */
function durationInWords(iso: string): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(iso);
  if (!m) return iso;
  const parts = [
    [m[1], 'year'],
    [m[2], 'month'],
    [m[3], 'week'],
    [m[4], 'day'],
  ]
    .filter(([n]) => n !== undefined && Number(n) > 0)
    .map(([n, unit]) => `${Number(n)} ${unit}${Number(n) === 1 ? '' : 's'}`);
  return parts.join(' and ') || iso;
}

/**
 * A draft privacy notice for a purpose (GDPR Art. 13 items), generated from the purpose register: who we are, what
 * for and on which basis, which data, recipients, transfers, how long, the person's rights, withdrawal, complaint.
 * Staff edit it before publishing.
 *
 * @example
 * const markdown = draftNoticeMarkdown(purpose, { controller: 'Acme Ltd', contact: 'privacy@acme.example' });
 */
export function draftNoticeMarkdown(
  purpose: PurposeRecord,
  org: { readonly controller: string; readonly contact: string | null; readonly dpoContact: string | null },
): string {
  const categories = [...purpose.requiredCategories, ...purpose.optionalCategories].map(
    (key) => findDefaultCategory(key)?.name ?? key,
  );
  const lines = [
    `# ${purpose.name}`,
    '',
    `**Who we are.** ${org.controller} is the controller of your personal data${org.contact ? ` (contact: ${org.contact})` : ''}.` +
      (org.dpoContact ? ` You can reach our data protection officer at ${org.dpoContact}.` : ''),
    '',
    `**What we do and why.** ${purpose.description}`,
    '',
    `**Legal basis.** We rely on ${basisText[purpose.lawfulBasis]}`,
    ...(purpose.lawfulBasis === 'legitimate_interests' && purpose.legitimateInterestAssessment
      ? ['', `**Our legitimate interests.** ${purpose.legitimateInterestAssessment}`]
      : []),
    '',
    `**Which data.** ${categories.join(', ')}.`,
    '',
    `**Who receives it.** ${purpose.recipients.length > 0 ? `${purpose.recipients.join(', ')}.` : 'No one outside our organisation, apart from processors acting on our instructions under a contract (GDPR Art. 28).'}`,
    '',
    '**Transfers outside the EEA.** Where a processor handles data outside the European Economic Area, it is covered by an adequacy decision or the European Commission’s standard contractual clauses; ask us for a copy.',
    '',
    `**How long.** ${durationInWords(purpose.retention)} after our last interaction with you, unless the law requires us to keep it longer.`,
    '',
    '**Your rights.** You may ask us for access to your data, its rectification or erasure, the restriction of its processing, and a copy in a portable format; you may object to processing based on legitimate interests and, at any time, to direct marketing.' +
      (purpose.lawfulBasis === 'consent' ? ' You may withdraw your consent at any time, with one click from any email we send or from your preference centre.' : ''),
    '',
    '**Complaints.** You may lodge a complaint with a supervisory authority, in particular in the EU country where you live or work.',
    '',
    '**Automated decisions.** We make no decision with legal or similarly significant effects about you by automated means alone.',
  ];
  return `${lines.join('\n')}\n`;
}
