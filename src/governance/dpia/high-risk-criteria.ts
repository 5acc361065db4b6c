/**
 * The nine criteria of the EDPB-endorsed WP29 guidelines on DPIAs (WP248 rev.01): processing meeting two or more
 * is likely to result in a high risk, so a DPIA is recommended.
 */
export const highRiskCriteria = [
  { key: 'evaluation_scoring', label: 'Evaluation or scoring, including profiling and predicting' },
  { key: 'automated_decision', label: 'Automated decision-making with legal or similarly significant effect' },
  { key: 'systematic_monitoring', label: 'Systematic monitoring' },
  { key: 'sensitive_data', label: 'Sensitive data or data of a highly personal nature' },
  { key: 'large_scale', label: 'Data processed on a large scale' },
  { key: 'matching_datasets', label: 'Matching or combining datasets' },
  { key: 'vulnerable_subjects', label: 'Data concerning vulnerable data subjects' },
  { key: 'innovative_technology', label: 'Innovative use or applying new technological or organisational solutions' },
  { key: 'prevents_rights', label: 'Processing that prevents data subjects from exercising a right or using a service or contract' },
] as const;
export type HighRiskCriterion = (typeof highRiskCriteria)[number]['key'];
export const highRiskCriterionKeys: readonly HighRiskCriterion[] = highRiskCriteria.map((c) => c.key);

/** The screening result of a set of criteria. */
export interface DpiaScreening {
  readonly criteria: readonly HighRiskCriterion[];
  readonly count: number;
  /** Two or more criteria met. */
  readonly recommended: boolean;
}

/**
 * Whether a DPIA is recommended for the criteria met (two or more, per WP248).
 *
 * @example
 * screenDpia(['large_scale', 'sensitive_data']).recommended; // true
 */
export function screenDpia(criteria: readonly HighRiskCriterion[]): DpiaScreening {
  const unique = [...new Set(criteria)];
  return { criteria: unique, count: unique.length, recommended: unique.length >= 2 };
}
