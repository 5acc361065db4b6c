/** Tables of the automated compliance audits (migration 0150_compliance). Timestamps are ISO-8601 UTC text. */
export interface ComplianceTables {
  compliance_runs: ComplianceRunTable;
  compliance_findings: ComplianceFindingTable;
}

/** One run of every compliance check over a workspace (kept; runs are compared with the one before). */
export interface ComplianceRunTable {
  id: string;
  workspace_id: string;
  /** `schedule`, `api` or `cli`. */
  trigger: string;
  actor_type: string;
  actor_id: string | null;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  /** 0–100, weighted by the severity of the checks that failed (docs/adr/0028). */
  score: number;
  checks_run: number;
  checks_failed: number;
  findings: number;
  /** JSON: findings per severity, checks skipped (and why). */
  summary: string;
}

/** One finding of one check in one run. `subject` names what is wrong (an id or a key, never personal data). */
export interface ComplianceFindingTable {
  run_id: string;
  workspace_id: string;
  check_key: string;
  subject: string;
  /** `critical`, `high`, `medium` or `low`. */
  severity: string;
  /** JSON of ids, counts and dates: never personal data. */
  evidence: string;
  /** Console path where it is fixed. */
  fix_link: string;
}
