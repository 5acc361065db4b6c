/** What a party does with the data the controller shares (Art. 28, 26, 4(9)). */
export const processorRoles = ['processor', 'sub_processor', 'joint_controller', 'recipient'] as const;
export type ProcessorRole = (typeof processorRoles)[number];

/**
 * The eight terms Art. 28(3)(a)–(h) requires in a processing agreement, in the order of the article.
 */
export const art28Terms = [
  { key: 'instructions', letter: 'a', label: 'Processes only on documented instructions, including transfers' },
  { key: 'confidentiality', letter: 'b', label: 'Persons authorised to process are bound to confidentiality' },
  { key: 'security', letter: 'c', label: 'Takes the Art. 32 security measures' },
  { key: 'sub_processors', letter: 'd', label: 'Engages sub-processors only with authorisation, notice and flow-down' },
  { key: 'data_subject_rights', letter: 'e', label: 'Assists with data subject requests' },
  { key: 'assistance', letter: 'f', label: 'Assists with Art. 32–36 (security, breaches, DPIAs, prior consultation)' },
  { key: 'deletion_or_return', letter: 'g', label: 'Deletes or returns all data at the end of the services' },
  { key: 'audits', letter: 'h', label: 'Makes information available and allows audits and inspections' },
] as const;
export type Art28Term = (typeof art28Terms)[number]['key'];
export const art28TermKeys: readonly Art28Term[] = art28Terms.map((t) => t.key);

/** The agreement with the party (Art. 28(3) contract, Art. 26 arrangement, or a data-sharing agreement). */
export interface Agreement {
  /** `YYYY-MM-DD`. */
  readonly signedOn: string | null;
  readonly expiresOn: string | null;
  /** Where the signed document is (a document management reference, not the document itself). */
  readonly documentReference: string | null;
  /** Art. 28(3) terms the agreement was checked to contain. */
  readonly terms: readonly Art28Term[];
}

/** Notice of a sub-processor given to the controller, and the window to object (Art. 28(2)). */
export interface SubProcessorNotice {
  readonly noticeOn: string;
  readonly objectionWindowDays: number;
}

/** What a client sends to create or replace a processor record. */
export interface ProcessorInput {
  readonly name: string;
  readonly role: ProcessorRole;
  /** For a sub-processor: the processor it works for. */
  readonly parentId?: string | null;
  /** What the party does for the controller. */
  readonly services?: string;
  /** Data category keys that flow to it (catalogue). */
  readonly dataCategories?: readonly string[];
  /** Purpose keys under which data flows to it (register). */
  readonly purposes?: readonly string[];
  /** ISO 3166-1 alpha-2 countries where it processes. */
  readonly countries?: readonly string[];
  readonly agreement?: Agreement | null;
  readonly subProcessorNotice?: SubProcessorNotice | null;
  /** Security certifications (ISO/IEC 27001, SOC 2 type II…). */
  readonly certifications?: readonly string[];
  /** Next review, `YYYY-MM-DD`. */
  readonly reviewOn?: string | null;
}

/** A stored processor record with what it still lacks. */
export interface Processor {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly role: ProcessorRole;
  readonly parentId: string | null;
  readonly services: string;
  readonly dataCategories: readonly string[];
  readonly purposes: readonly string[];
  readonly countries: readonly string[];
  readonly agreement: Agreement | null;
  readonly subProcessorNotice: SubProcessorNotice | null;
  readonly certifications: readonly string[];
  readonly reviewOn: string | null;
  /** `complete` only when nothing is missing; drafts are never counted as complete. */
  readonly status: 'draft' | 'complete';
  /** Items still to fill in (field paths). */
  readonly missing: readonly string[];
  /** Last day objections to the sub-processor may be raised (notice date + window). */
  readonly objectionDeadline: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}
