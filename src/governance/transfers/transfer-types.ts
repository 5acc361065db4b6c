/** Chapter V transfer tools Custodian records. */
export const transferTools = ['adequacy', 'dpf', 'scc', 'bcr', 'art49'] as const;
export type TransferTool = (typeof transferTools)[number];

/** Modules of the 2021 standard contractual clauses (Implementing Decision (EU) 2021/914). */
export const sccModules = [1, 2, 3, 4] as const;
export type SccModule = (typeof sccModules)[number];

/** Art. 49(1) derogations: (a)–(g) of the first subparagraph, then the second subparagraph's compelling interests. */
export const art49Derogations = [
  'explicit_consent',
  'contract_with_subject',
  'contract_in_subject_interest',
  'public_interest',
  'legal_claims',
  'vital_interests',
  'public_register',
  'compelling_legitimate_interests',
] as const;
export type Art49Derogation = (typeof art49Derogations)[number];

/** What a client sends for a transfer. */
export interface TransferInput {
  /** The processor or recipient that receives the data. */
  readonly processorId: string;
  /** ISO 3166-1 alpha-2, outside the EEA. */
  readonly country: string;
  readonly tool: TransferTool;
  /** Required with `scc`. */
  readonly sccModule?: SccModule | null;
  /** Required with `art49`. */
  readonly art49Derogation?: Art49Derogation | null;
  /** Reference of the transfer impact assessment (SCC clause 14, EDPB Rec. 01/2020). */
  readonly tiaReference?: string | null;
  readonly supplementaryMeasures?: string | null;
  /** When the tool stops covering the transfer (DPF certification renewal, clauses' term), `YYYY-MM-DD`. */
  readonly expiresOn?: string | null;
}

/** Why a transfer needs attention. */
export type TransferFlag =
  /** A processor processes data in a non-EEA country and no transfer records a tool for it. */
  | 'missing_tool'
  /** The tool does not fit the country (adequacy without a decision in force, DPF outside the US). */
  | 'tool_unfit'
  /** `expiresOn` has passed. */
  | 'expired'
  /** SCC or BCR without a transfer impact assessment reference. */
  | 'no_tia';

/** A stored transfer with its flags. */
export interface Transfer {
  readonly id: string;
  readonly version: number;
  readonly processorId: string;
  readonly processorName: string;
  readonly country: string;
  readonly countryName: string;
  readonly tool: TransferTool;
  readonly sccModule: SccModule | null;
  readonly art49Derogation: Art49Derogation | null;
  readonly tiaReference: string | null;
  readonly supplementaryMeasures: string | null;
  readonly expiresOn: string | null;
  readonly flags: readonly TransferFlag[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A non-EEA country of a processor that no transfer covers (shown in the register as a flagged gap). */
export interface TransferGap {
  readonly processorId: string;
  readonly processorName: string;
  readonly country: string;
  readonly countryName: string;
  readonly flags: readonly ['missing_tool'];
}
