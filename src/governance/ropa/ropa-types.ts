import type { DpoContact, PartyContact } from '../organisation/organisation-types.ts';
import type { TransferFlag } from '../transfers/transfer-types.ts';

/** A data category of a processing activity with the attributes declared under it. */
export interface RopaCategory {
  readonly key: string;
  readonly name: string;
  /** Art. 9 special category. */
  readonly special: boolean;
  /** Art. 10 criminal-offence data. */
  readonly criminal: boolean;
  /** Declared attributes (`person.email`) and their retention (ISO 8601 duration). */
  readonly attributes: readonly { readonly attribute: string; readonly retention: string }[];
}

/** A recipient of the data of an activity: declared on the purpose, or a processor linked to it. */
export interface RopaRecipient {
  readonly name: string;
  /** `declared` (named on the purpose) or the processor's role. */
  readonly kind: 'declared' | 'processor' | 'sub_processor' | 'joint_controller' | 'recipient';
  readonly countries: readonly string[];
  /** `draft` when the processor record is incomplete. */
  readonly status: 'declared' | 'draft' | 'complete';
}

/** A transfer to a third country with its safeguards (Art. 30(1)(e)). */
export interface RopaTransfer {
  readonly recipient: string;
  readonly country: string;
  readonly countryName: string;
  /** Transfer tool and its details in words (`Standard contractual clauses 2021/914, module 2`). */
  readonly safeguards: string;
  readonly tiaReference: string | null;
  readonly supplementaryMeasures: string | null;
  readonly flags: readonly TransferFlag[];
}

/** One record of processing: one activity, one purpose (Art. 30(1)(b)–(g)). */
export interface RopaActivity {
  readonly purposeKey: string;
  readonly purposeVersion: number;
  readonly name: string;
  readonly description: string;
  readonly active: boolean;
  readonly lawfulBasis: string;
  readonly art9Condition: string | null;
  /** Categories of data subjects (Art. 30(1)(c)). */
  readonly dataSubjects: readonly string[];
  readonly dataCategories: readonly RopaCategory[];
  readonly recipients: readonly RopaRecipient[];
  readonly transfers: readonly RopaTransfer[];
  /** Erasure time limit of the purpose (ISO 8601 duration); per-attribute limits are on the categories. */
  readonly retention: string;
  /** Roles whose members may process data under this purpose. */
  readonly accessRoles: readonly string[];
}

/** The records of processing of a workspace (controller's record, Art. 30(1)). */
export interface RopaDocument {
  /** Art. 30(1)(a). */
  readonly controller: PartyContact;
  readonly representative: PartyContact | null;
  readonly dpo: DpoContact | null;
  readonly activities: readonly RopaActivity[];
  /** Art. 30(1)(g): technical and organisational measures, generated from the configuration. */
  readonly securityMeasures: readonly string[];
  /** What keeps the record from being complete (organisation items, draft processors, flagged transfers). */
  readonly openItems: readonly string[];
}

/** A stored version of the records. */
export interface RopaSnapshot {
  readonly version: number;
  readonly takenAt: string;
  /** SHA-256 of the canonical JSON of the document. */
  readonly digest: string;
  /** `change` (an input changed), `on_demand`, or `read` (first read after a change made elsewhere). */
  readonly reason: string;
  readonly document: RopaDocument;
}
