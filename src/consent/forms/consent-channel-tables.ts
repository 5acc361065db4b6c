/** Tables of the consent channels (migration 0090): forms, confirmations, recipient tokens, counters, SMTP settings. */
export interface ConsentChannelTables {
  consent_forms: ConsentFormTable;
  consent_form_versions: ConsentFormVersionTable;
  consent_confirmations: ConsentConfirmationTable;
  consent_recipient_tokens: ConsentRecipientTokenTable;
  consent_rate_counters: ConsentRateCounterTable;
  mail_settings: MailSettingsTable;
}

/** A consent or sign-up form; its content lives in immutable versions. */
export interface ConsentFormTable {
  id: string;
  workspace_id: string;
  /** Internal name shown in the console. */
  name: string;
  /** The version the hosted page and the widget show. */
  current_version: number;
  /** Submissions that recorded something (no personal data: a count). */
  submissions: number;
  archived: number;
  created_at: string;
  updated_at: string;
}

/** One published, immutable version of a form. */
export interface ConsentFormVersionTable {
  workspace_id: string;
  form_id: string;
  version: number;
  /** `FormDefinition` as JSON (labels, notice links, fields, origins: business data, no personal data). */
  definition: string;
  /** SHA-256 hex of the definition. */
  digest: string;
  created_at: string;
  actor_type: string;
  actor_id: string | null;
}

/** A pending double opt-in: only the SHA-256 of the token is kept. */
export interface ConsentConfirmationTable {
  id: string;
  workspace_id: string;
  person_id: string;
  form_id: string;
  form_version: number;
  token_hash: Buffer;
  /** JSON `PendingPurpose[]`: purpose keys, notice version ids, text digests. */
  purposes: string;
  created_at: string;
  expires_at: string;
  /** Set once, when confirmed: the token is single-use. */
  used_at: string | null;
}

/** The opaque per-recipient token of unsubscribe and preference links (the link carries the id and its HMAC). */
export interface ConsentRecipientTokenTable {
  id: string;
  workspace_id: string;
  person_id: string;
  /** Purpose keys, sorted and comma-separated, the emails carrying this token are about; the one-click unsubscribe withdraws them. */
  purposes: string;
  created_at: string;
}

/** Fixed-window counters of the public endpoints (buckets hold keyed hashes of IPs, never an IP). */
export interface ConsentRateCounterTable {
  bucket: string;
  window_start: string;
  workspace_id: string;
  hits: number;
}

/** SMTP settings entered in the console; the password is encrypted and never returned. */
export interface MailSettingsTable {
  workspace_id: string;
  host: string;
  port: number;
  /** 1: implicit TLS (port 465); 0: STARTTLS when offered. */
  secure: number;
  username: string | null;
  password: Buffer | null;
  from_address: string;
  version: number;
  updated_at: string;
}
