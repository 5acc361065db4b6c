/**
 * Tables of the governance registers (migration 0070_governance): organisation settings, processors, transfers,
 * records of processing (snapshots), DPIAs and the reminders already sent. JSON columns hold the parts nobody
 * queries by; the columns beside them are what lists, reminders and indexes need.
 */
export interface GovernanceTables {
  governance_organisation_versions: GovernanceOrganisationVersionTable;
  governance_processors: GovernanceProcessorTable;
  governance_transfers: GovernanceTransferTable;
  governance_ropa_snapshots: GovernanceRopaSnapshotTable;
  governance_dpias: GovernanceDpiaTable;
  governance_reminders_sent: GovernanceReminderSentTable;
}

/** One version of the organisation settings (append-only; the highest version is current). */
export interface GovernanceOrganisationVersionTable {
  workspace_id: string;
  version: number;
  /** JSON: controller, representative, DPO (staff and organisation contacts, published under Art. 13 and 37(7)). */
  data: string;
  changed_at: string;
  actor_type: string;
  actor_id: string | null;
}

/** A processor, sub-processor, joint controller or recipient (Art. 28, 26, 4(9)). */
export interface GovernanceProcessorTable {
  id: string;
  workspace_id: string;
  /** Optimistic concurrency: +1 on every change. */
  version: number;
  name: string;
  /** `processor`, `sub_processor`, `joint_controller` or `recipient`. */
  role: string;
  /** The processor a sub-processor works for. */
  parent_id: string | null;
  /** 1 when every required item is filled; drafts are 0 and never counted as complete. */
  complete: number;
  /** Next review, `YYYY-MM-DD`. */
  review_on: string | null;
  /** Agreement expiry, `YYYY-MM-DD`. */
  agreement_expires_on: string | null;
  /** JSON of the rest of the record (services, categories, purposes, countries, agreement, certifications…). */
  record: string;
  created_at: string;
  updated_at: string;
}

/** A transfer to a third country (Chapter V) by one processor or recipient. */
export interface GovernanceTransferTable {
  id: string;
  workspace_id: string;
  version: number;
  processor_id: string;
  /** ISO 3166-1 alpha-2 destination. */
  country: string;
  /** `adequacy`, `dpf`, `scc`, `bcr` or `art49`. */
  tool: string;
  /** When the tool stops covering the transfer (certification, clauses), `YYYY-MM-DD`. */
  expires_on: string | null;
  /** JSON: SCC module, Art. 49 derogation, TIA reference, supplementary measures. */
  record: string;
  created_at: string;
  updated_at: string;
}

/** A version of the records of processing, taken when an input changed or on demand (append-only). */
export interface GovernanceRopaSnapshotTable {
  workspace_id: string;
  version: number;
  /** SHA-256 (hex) of the canonical JSON of `content`. */
  digest: string;
  /** `change`, `on_demand` or `read`. */
  reason: string;
  taken_at: string;
  /** JSON of the whole document. */
  content: string;
}

/** A data protection impact assessment (Art. 35, CNIL method). */
export interface GovernanceDpiaTable {
  id: string;
  workspace_id: string;
  version: number;
  title: string;
  /** `draft` or `signed`. */
  status: string;
  review_on: string | null;
  signed_at: string | null;
  /** User id of the signer. */
  signed_by: string | null;
  /** JSON object: purpose key → purpose version when signed (or last confirmed by a review). */
  signed_purpose_versions: string | null;
  /** JSON of the assessment (context, principles, criteria, risks, action plan, DPO opinion). */
  record: string;
  created_at: string;
  updated_at: string;
}

/** A reminder already emailed for an item and its due date (so each is sent once). */
export interface GovernanceReminderSentTable {
  workspace_id: string;
  /** `processor-review:<id>`, `agreement-expiry:<id>`, `transfer-expiry:<id>`, `dpia-review:<id>`. */
  item_key: string;
  due_on: string;
  sent_at: string;
}
