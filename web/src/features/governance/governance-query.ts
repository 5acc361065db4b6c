import type { RequestBody, Success } from '../../api/api-types.ts';

export type Organisation = Success<'/api/v1/governance/organisation', 'get'>;
export type OrganisationBody = RequestBody<'/api/v1/governance/organisation', 'put'>;
export type Processor = Success<'/api/v1/governance/processors/{id}', 'get'>;
export type ProcessorBody = RequestBody<'/api/v1/governance/processors', 'post'>;
export type TransferRegister = Success<'/api/v1/governance/transfers', 'get'>;
export type Transfer = TransferRegister['items'][number];
export type TransferBody = RequestBody<'/api/v1/governance/transfers', 'post'>;
export type RopaSnapshot = Success<'/api/v1/governance/ropa', 'get'>;
export type Dpia = Success<'/api/v1/governance/dpias/{id}', 'get'>;
export type DpiaBody = RequestBody<'/api/v1/governance/dpias', 'post'>;
export type DueItem = Success<'/api/v1/governance/due', 'get'>['items'][number];

/** Cache keys; every governance change invalidates `governanceKey` (the records and the due list depend on all). */
export const governanceKey = ['governance'] as const;

/** The `If-Match` header of a version read earlier. */
export function ifMatch(version: number): { 'if-match': string } {
  return { 'if-match': `"${version}"` };
}

export const processorRoleLabels: Record<Processor['role'], string> = {
  processor: 'Processor',
  sub_processor: 'Sub-processor',
  joint_controller: 'Joint controller',
  recipient: 'Recipient',
};

/** The Art. 28(3)(a)–(h) terms, in the order of the article (same keys as the server). */
export const art28TermLabels: Record<NonNullable<Processor['agreement']>['terms'][number], string> = {
  instructions: '(a) Processes only on documented instructions, including transfers',
  confidentiality: '(b) Persons authorised to process are bound to confidentiality',
  security: '(c) Takes the Art. 32 security measures',
  sub_processors: '(d) Sub-processors only with authorisation, notice and flow-down',
  data_subject_rights: '(e) Assists with data subject requests',
  assistance: '(f) Assists with Art. 32–36 (security, breaches, DPIAs)',
  deletion_or_return: '(g) Deletes or returns all data at the end',
  audits: '(h) Information and audits, inspections',
};

export const transferToolLabels: Record<Transfer['tool'], string> = {
  adequacy: 'Adequacy decision (Art. 45)',
  dpf: 'EU–US Data Privacy Framework',
  scc: 'Standard contractual clauses',
  bcr: 'Binding corporate rules',
  art49: 'Art. 49 derogation',
};

export const transferFlagLabels: Record<Transfer['flags'][number], string> = {
  missing_tool: 'No transfer tool',
  tool_unfit: 'Tool does not fit the country',
  expired: 'Expired',
  no_tia: 'No TIA reference',
};

export const art49Labels: Record<NonNullable<Transfer['art49Derogation']>, string> = {
  explicit_consent: '(a) Explicit consent',
  contract_with_subject: '(b) Contract with the data subject',
  contract_in_subject_interest: '(c) Contract in the subject’s interest',
  public_interest: '(d) Important public interest',
  legal_claims: '(e) Legal claims',
  vital_interests: '(f) Vital interests',
  public_register: '(g) Public register',
  compelling_legitimate_interests: 'Compelling legitimate interests (second subparagraph)',
};

export const riskLabels: Record<keyof Dpia['risks'], string> = {
  illegitimate_access: 'Illegitimate access to data',
  unwanted_modification: 'Unwanted modification of data',
  disappearance: 'Disappearance of data',
};

/** The nine WP248 criteria (same keys as the server). */
export const criterionLabels: Record<Dpia['criteria'][number], string> = {
  evaluation_scoring: 'Evaluation or scoring',
  automated_decision: 'Automated decision with legal or similar effect',
  systematic_monitoring: 'Systematic monitoring',
  sensitive_data: 'Sensitive or highly personal data',
  large_scale: 'Large scale',
  matching_datasets: 'Matching or combining datasets',
  vulnerable_subjects: 'Vulnerable data subjects',
  innovative_technology: 'Innovative technology',
  prevents_rights: 'Prevents exercising a right or using a service',
};

export const levelLabels = ['', '1 Negligible', '2 Limited', '3 Significant', '4 Maximum'] as const;
