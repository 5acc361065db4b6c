/** Tables of the privacy portal (migration 0101). None holds an email address, a code or a token in clear. */
export interface PortalTables {
  portal_verifications: PortalVerificationTable;
  portal_links: PortalLinkTable;
  portal_rate_counters: PortalRateCounterTable;
  portal_outbox: PortalOutboxTable;
  portal_sms_outbox: PortalSmsOutboxTable;
}

/** One identity check of one portal submission: a 6-digit code and a link, both stored as hashes. */
export interface PortalVerificationTable {
  id: string;
  workspace_id: string;
  request_id: string;
  /** HMAC-SHA256 (server-secret key) of `<id>:<code>`. */
  code_hash: Buffer;
  /** SHA-256 of the signed link token. */
  link_hash: Buffer;
  /** Wrong codes typed so far; at the limit the verification is dead. */
  attempts: number;
  /** `pending`, `used` or `dead`. */
  state: string;
  /** How the code went out: `email` or `sms` (migration 0160); decides the identity method recorded. */
  channel: string;
  created_at: string;
  expires_at: string;
  closed_at: string | null;
}

/** A status or download link of a request: only the SHA-256 of the signed token is kept. */
export interface PortalLinkTable {
  id: string;
  workspace_id: string;
  request_id: string;
  /** `status` or `download`. */
  kind: string;
  token_hash: Buffer;
  created_at: string;
  expires_at: string;
}

/** Fixed windows counted in the database, shared by every server process. `bucket` holds hashes, never an email. */
export interface PortalRateCounterTable {
  bucket: string;
  window_start: string;
  workspace_id: string;
  hits: number;
}

/** An email to a requester, queued in the transaction that changed the request and sent after commit. */
export interface PortalOutboxTable {
  id: string;
  workspace_id: string;
  request_id: string;
  /** `extended`, `completed` or `refused`. */
  kind: string;
  created_at: string;
  attempts: number;
  /** A drain holding the row until then (several processes never send one row twice at once). */
  claimed_until: string | null;
  sent_at: string | null;
}

/**
 * A verification text to a requester, queued in the submission's transaction and sent after the answer (migration
 * 0160). `payload` is the number and the message sealed (secret box bound to the row id) and is wiped once sent or
 * given up: a row never keeps a number or a code in clear, and after sending keeps neither.
 */
export interface PortalSmsOutboxTable {
  id: string;
  workspace_id: string;
  request_id: string;
  payload: Buffer | null;
  created_at: string;
  /** The code's expiry: not sent after it (it would be useless). */
  expires_at: string;
  attempts: number;
  claimed_until: string | null;
  sent_at: string | null;
  /** Given up (five attempts, or the code expired) and payload wiped. */
  failed_at: string | null;
}
