/** Tables of the SMS channel (migration 0160). */
export interface SmsTables {
  sms_settings: SmsSettingsTable;
}

/** A workspace's SMS gateway: where to POST, the sender name or number, and the bearer token sealed. */
export interface SmsSettingsTable {
  workspace_id: string;
  /** The gateway's https URL (http only outside production). */
  url: string;
  /** Sender id or number, as the gateway expects it in `from`. */
  sender: string;
  /** The bearer token, AES-256-GCM sealed by `createSmsTokenSecret` (never returned by the API). */
  token: Buffer | null;
  /** Milliseconds before a send is abandoned. */
  timeout_ms: number;
  version: number;
  updated_at: string;
}
