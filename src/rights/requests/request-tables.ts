/** Tables of the request inbox (migration 0100). */
export interface RequestTables {
  requests: RequestTable;
  request_steps: RequestStepTable;
  request_outcomes: RequestOutcomeTable;
  request_results: RequestResultTable;
  request_reminders_sent: RequestReminderSentTable;
}

/** A data subject request. Envelopes are under the request's own data key (`person_keys.person_id` = request id). */
export interface RequestTable {
  id: string;
  workspace_id: string;
  /** Public reference the person quotes (`R-XXXX-XXXX`), unique in the workspace. */
  reference: string;
  /** One of `requestTypes`. */
  type: string;
  /** One of `requestStatuses`. */
  status: string;
  /** One of `requestChannels`. */
  channel: string;
  /** The matched person, or null. */
  person_id: string | null;
  /** The staff user handling it, or null. */
  assignee_id: string | null;
  /** Language the person is answered in (BCP 47). */
  language: string;
  received_at: string;
  /** End of the one-month period (Art. 12(3)), never moved. */
  original_due_at: string;
  /** The deadline in force: `original_due_at`, or the extended date. */
  due_at: string;
  extended_until: string | null;
  extension_reason: string | null;
  extended_at: string | null;
  identity_verified_at: string | null;
  /** One of `identityMethods`. */
  identity_method: string | null;
  completed_at: string | null;
  /** When it reached a final status (completed, refused or cancelled). */
  closed_at: string | null;
  refusal_reason: string | null;
  /** Envelope of the requester's email, or null (a phone or letter request without one, or purged). */
  requester_email: Buffer | null;
  /** Blind index of the normalised email (`request_email`), for finding a person's other requests. */
  requester_email_index: Buffer | null;
  /** Envelope of the `RequestDetails` JSON, or null. */
  details: Buffer | null;
  created_by_type: string;
  created_by_id: string | null;
  created_at: string;
  updated_at: string;
  /** Set when the request's data key was destroyed (its personal values are gone). */
  purged_at: string | null;
  version: number;
}

/** One step on a request's timeline (append-only). */
export interface RequestStepTable {
  id: string;
  workspace_id: string;
  request_id: string;
  /** Order on the timeline (1, 2, …). */
  seq: number;
  /** `received`, `status`, `note`, `assigned`, `extended`, `reminder`, `result`, or a fulfilment step's kind. */
  kind: string;
  /** Plain summary (no personal data), or null when the summary is personal. */
  summary: string | null;
  /** Envelope of a personal summary. */
  personal_summary: Buffer | null;
  actor_type: string;
  actor_id: string | null;
  at: string;
}

/** A sentence the portal shows the person about the outcome. */
export interface RequestOutcomeTable {
  id: string;
  workspace_id: string;
  request_id: string;
  /** Envelope of the sentence. */
  sentence: Buffer;
  at: string;
}

/** The stored result file of a request (one per request). */
export interface RequestResultTable {
  request_id: string;
  workspace_id: string;
  filename: string;
  content_type: string;
  /** Size in bytes of the plain file. */
  size: number;
  /** Envelope of the file (base64 text inside). */
  body: Buffer;
  stored_at: string;
}

/** A deadline reminder already sent (`due_7d`, `due_2d`, `overdue`) for a given deadline. */
export interface RequestReminderSentTable {
  workspace_id: string;
  request_id: string;
  kind: string;
  due_at: string;
  sent_at: string;
}
