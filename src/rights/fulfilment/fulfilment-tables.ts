/**
 * Tables of request fulfilment (migration 0102). Timestamps are ISO-8601 UTC text, JSON as text. Nothing here is
 * personal data: ids, purpose keys, field names, outcomes and counts only (free text goes to the request timeline,
 * encrypted by the request service).
 */
export interface FulfilmentTables {
  fulfilment_records: FulfilmentRecordTable;
}

/** What fulfilment must remember about a request between steps. */
export const fulfilmentRecordKinds = ['export_review', 'lift_notice', 'objection'] as const;
export type FulfilmentRecordKind = (typeof fulfilmentRecordKinds)[number];

/**
 * One fact of a request's fulfilment: an export waiting for release after review, a restriction-lift notice sent to
 * the person, an objection raised for the request and its outcome.
 */
export interface FulfilmentRecordTable {
  id: string;
  workspace_id: string;
  /** The data subject request (src/rights/requests). */
  request_id: string;
  kind: FulfilmentRecordKind;
  /** The objection id, or null. */
  ref: string | null;
  /** `pending`, `released`, `sent`, `upheld`, `rejected`. */
  state: string;
  /** JSON object without personal data (flagged sections and record ids, purpose key, restriction id). */
  data: string;
  created_at: string;
  updated_at: string;
}
