/** Tables of anomaly detection and alerts (migration 0130_alerts). */
export interface AlertTables {
  alerts: AlertTable;
  alert_rule_sets: AlertRuleSetTable;
  alert_cursors: AlertCursorTable;
  alert_hourly_counts: AlertHourlyCountTable;
  alert_token_addresses: AlertTokenAddressTable;
}

/** One alert: a rule's hit, grouped per rule, actor and window (repeats counted, never a second alert). */
export interface AlertTable {
  id: string;
  workspace_id: string;
  /** Rule key (`bulk_export`, `failed_sign_ins_account`, …). */
  rule: string;
  /** `low`, `medium`, `high` or `critical`. */
  severity: string;
  /** `open`, `acknowledged`, `dismissed` or `incident`. */
  status: string;
  /** `rule|actor|window start`: one alert per group (unique per workspace). */
  group_key: string;
  /** Who the evidence is about: `user`, `token`, `account` (failed sign-ins), `address` (digest) or `workspace`. */
  subject_type: string;
  /** A user id, token id, address digest or null: never an email, a name or an address. */
  subject_id: string | null;
  /** Plain summary without personal data (rule, counts, thresholds). */
  summary: string;
  /** JSON object of the figures that made the rule fire (counts, baseline mean and deviation, threshold). */
  figures: string;
  /** JSON array of audit `seq`s cited as evidence (capped; `evidence_count` has the full count). */
  evidence: string;
  evidence_count: number;
  /** Hits grouped into this alert (1 when raised). */
  hits: number;
  window_start: string;
  window_end: string;
  /** When the first and the latest evidence happened (audit time). */
  first_seen_at: string;
  last_seen_at: string;
  raised_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  dismissed_at: string | null;
  dismissed_by: string | null;
  /** Staff's reason for dismissing (free text written by staff; never put into audit payloads). */
  dismiss_reason: string | null;
  incident_id: string | null;
  version: number;
  updated_at: string;
}

/** A workspace's rule settings as one JSON document (defaults apply when absent). */
export interface AlertRuleSetTable {
  workspace_id: string;
  /** JSON `AlertRuleSet`. */
  document: string;
  version: number;
  updated_at: string;
  updated_by: string | null;
}

/** How far the detector has read a workspace's audit chain. */
export interface AlertCursorTable {
  workspace_id: string;
  /** Last audit `seq` evaluated. */
  seq: number;
  updated_at: string;
}

/** Hourly volumes per actor and metric: the baselines of the volume rules (`*` is the whole workspace). */
export interface AlertHourlyCountTable {
  workspace_id: string;
  /** `export`, `read` or `workspace_read`. */
  metric: string;
  /** `user:<id>`, `token:<id>` or `*`. */
  actor_key: string;
  /** Start of the UTC hour, ISO-8601. */
  hour: string;
  count: number;
}

/** Client addresses an API token was seen from, as keyed digests (the address itself is not kept here). */
export interface AlertTokenAddressTable {
  workspace_id: string;
  token_id: string;
  address_digest: string;
  first_seen_at: string;
}
