/**
 * Chapter V reference data, shipped as data so that it can be reviewed and updated in one place.
 *
 * As of 2026-11-01. Sources: Regulation (EU) 2016/679 Art. 45; the European Commission's list of adequacy decisions
 * (see `docs/adr/0014-governance-registers.md`). Re-check against EUR-Lex before relying on it: decisions are
 * reviewed every four years and can be annulled by the Court of Justice (Schrems I and II).
 */
export const adequacyListAsOf = '2026-11-01';

/**
 * The European Economic Area: the 27 Member States plus Iceland, Liechtenstein and Norway. Transfers inside it are not
 * Chapter V transfers.
 */
export const eeaCountries: readonly string[] = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT',
  'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
  'IS', 'LI', 'NO',
];

/** An Art. 45 adequacy decision for a country (or a sector or framework of it). */
export interface AdequacyDecision {
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** The Commission decision. */
  readonly decision: string;
  /** Date of the decision, `YYYY-MM-DD`. */
  readonly adoptedOn: string;
  /**
   * `full`: any recipient in the country; `partial`: a sector only (noted in `scope`); `dpf`: only organisations
   * certified under the EU–US Data Privacy Framework, so the transfer tool to claim is `dpf`, not `adequacy`.
   */
  readonly coverage: 'full' | 'partial' | 'dpf';
  readonly scope: string;
  /** Last day the decision applies, when it has a sunset clause in force; null otherwise. */
  readonly validUntil: string | null;
}

// prettier-ignore
export const adequacyDecisions: readonly AdequacyDecision[] = [
  { country: 'AD', decision: 'Commission Decision 2010/625/EU', adoptedOn: '2010-10-19', coverage: 'full', scope: 'Andorra', validUntil: null },
  { country: 'AR', decision: 'Commission Decision 2003/490/EC', adoptedOn: '2003-06-30', coverage: 'full', scope: 'Argentina', validUntil: null },
  { country: 'CA', decision: 'Commission Decision 2002/2/EC', adoptedOn: '2001-12-20', coverage: 'partial', scope: 'Canada: organisations subject to PIPEDA (commercial organisations)', validUntil: null },
  { country: 'CH', decision: 'Commission Decision 2000/518/EC', adoptedOn: '2000-07-26', coverage: 'full', scope: 'Switzerland', validUntil: null },
  { country: 'FO', decision: 'Commission Decision 2010/146/EU', adoptedOn: '2010-03-05', coverage: 'full', scope: 'Faroe Islands', validUntil: null },
  { country: 'GG', decision: 'Commission Decision 2003/821/EC', adoptedOn: '2003-11-21', coverage: 'full', scope: 'Guernsey', validUntil: null },
  { country: 'IL', decision: 'Commission Decision 2011/61/EU', adoptedOn: '2011-01-31', coverage: 'full', scope: 'Israel (automated processing)', validUntil: null },
  { country: 'IM', decision: 'Commission Decision 2004/411/EC', adoptedOn: '2004-04-28', coverage: 'full', scope: 'Isle of Man', validUntil: null },
  { country: 'JE', decision: 'Commission Decision 2008/393/EC', adoptedOn: '2008-05-08', coverage: 'full', scope: 'Jersey', validUntil: null },
  { country: 'JP', decision: 'Commission Implementing Decision (EU) 2019/419', adoptedOn: '2019-01-23', coverage: 'partial', scope: 'Japan: private-sector organisations under the APPI with the Supplementary Rules', validUntil: null },
  { country: 'KR', decision: 'Commission Implementing Decision (EU) 2022/254', adoptedOn: '2021-12-17', coverage: 'full', scope: 'Republic of Korea (PIPA)', validUntil: null },
  { country: 'NZ', decision: 'Commission Implementing Decision 2013/65/EU', adoptedOn: '2012-12-19', coverage: 'full', scope: 'New Zealand', validUntil: null },
  { country: 'GB', decision: 'Commission Implementing Decision (EU) 2021/1772 (renewed in 2025)', adoptedOn: '2021-06-28', coverage: 'full', scope: 'United Kingdom (UK GDPR)', validUntil: null },
  { country: 'UY', decision: 'Commission Implementing Decision 2012/484/EU', adoptedOn: '2012-08-21', coverage: 'full', scope: 'Uruguay', validUntil: null },
  { country: 'US', decision: 'Commission Implementing Decision (EU) 2023/1795 (EU–US Data Privacy Framework)', adoptedOn: '2023-07-10', coverage: 'dpf', scope: 'United States: organisations certified under the EU–US Data Privacy Framework only', validUntil: null },
];

/**
 * Whether `country` (alpha-2) is in the EEA.
 *
 * @example
 * isEea('DE'); // true
 * isEea('US'); // false
 */
export function isEea(country: string): boolean {
  return eeaCountries.includes(country);
}

/**
 * The adequacy decision for `country` in force on `on` (`YYYY-MM-DD`), if any.
 *
 * @example
 * adequacyDecisionFor('JP', '2026-11-01')?.decision; // 'Commission Implementing Decision (EU) 2019/419'
 */
export function adequacyDecisionFor(country: string, on: string): AdequacyDecision | undefined {
  return adequacyDecisions.find(
    (d) => d.country === country && d.adoptedOn <= on && (d.validUntil === null || d.validUntil >= on),
  );
}
