/** Tables of retention (migration 0110). */
export interface RetentionTables {
  retention_policies: RetentionPolicyTable;
  retention_policy_versions: RetentionPolicyVersionTable;
  retention_sweeps: RetentionSweepTable;
}

/** Current version of a retention policy. */
export interface RetentionPolicyTable {
  id: string;
  workspace_id: string;
  name: string;
  /** Data category the rule is about (`user.contact`), or null for every category. */
  category: string | null;
  /** Purpose the rule is about; required for `consent_withdrawal`. */
  purpose_key: string | null;
  /** ISO 8601 duration (`P2Y`). */
  period: string;
  /** `last_activity`, `contract_end`, `creation` or `consent_withdrawal`. */
  start_event: string;
  /** `delete` or `anonymise`. */
  action: string;
  /** 1 while the sweep applies it. */
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
}

/** Every version of every policy, as it was (JSON snapshot), with who changed it. */
export interface RetentionPolicyVersionTable {
  workspace_id: string;
  policy_id: string;
  version: number;
  snapshot: string;
  actor_type: string;
  actor_id: string | null;
  changed_at: string;
}

/** One sweep (or dry run) and its counts. */
export interface RetentionSweepTable {
  id: string;
  workspace_id: string;
  /** `schedule`, `api` or `cli`. */
  trigger: string;
  dry_run: number;
  /** `running`, `completed` or `failed`. */
  status: string;
  started_at: string;
  finished_at: string | null;
  /** Persons due when the sweep started (holds included). */
  due: number;
  erased: number;
  anonymised: number;
  /** Due but under a legal hold. */
  blocked: number;
  /** Erased through the per-person pipeline with data an Art. 17(3) exception keeps. */
  kept: number;
  failed: number;
  /** JSON `{ [policyId]: { due, erased, anonymised, blocked, kept, failed } }`. */
  per_policy: string;
  error_code: string | null;
  actor_type: string;
  actor_id: string | null;
}
