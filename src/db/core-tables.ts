import type { Generated } from 'kysely';

/**
 * Tables of the platform foundation. Timestamps are ISO-8601 UTC strings (see docs/adr/0003), booleans are 0/1,
 * JSON is text. Every table carries `workspace_id`.
 */
export interface CoreTables {
  workspaces: WorkspaceTable;
  settings: SettingTable;
  roles: RoleTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  mfa_recovery_codes: MfaRecoveryCodeTable;
  sign_in_throttle: SignInThrottleTable;
  password_resets: PasswordResetTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadTable;
  job_leases: JobLeaseTable;
  job_runs: JobRunTable;
  idempotency_keys: IdempotencyKeyTable;
}

export interface WorkspaceTable {
  id: string;
  /** Display name of the organisation. */
  name: string;
  /** Legal regime applied by default (`gdpr`, `uk-gdpr`, `ccpa`, …). */
  regime: string;
  created_at: string;
}

export interface SettingTable {
  workspace_id: string;
  key: string;
  /** JSON value. */
  value: string;
  updated_at: string;
}

export interface RoleTable {
  id: string;
  workspace_id: string;
  /** Stable machine key (`owner`, `sales`, or a custom slug). */
  key: string;
  name: string;
  description: string;
  /** 1 for the seven built-in roles (their permissions cannot be edited). */
  builtin: number;
  /** JSON array of permission strings (`resource:action`). */
  permissions: string;
  /** JSON array of purpose keys this role may process personal data for (`*` = all). */
  purposes: string;
  /** JSON array of data-category keys (prefixes) this role may touch (`*` = all). */
  data_categories: string;
  /** Purpose applied when a request names none. */
  default_purpose: string | null;
  /** 1 when members must have TOTP enrolled. */
  require_mfa: number;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: string;
  workspace_id: string;
  /** Lower-cased sign-in email of a staff member. */
  email: string;
  name: string;
  password_hash: string | null;
  role_id: string;
  disabled: number;
  /** TOTP secret sealed with the server key; null when MFA is not enrolled. */
  mfa_secret: string | null;
  mfa_enabled: number;
  /** Last TOTP time step accepted, so that a code is never accepted twice. */
  mfa_last_step: number | null;
  password_changed_at: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  /** SHA-256 of the session secret held in the cookie. */
  id: string;
  /** Short public id used to list and revoke sessions. */
  public_id: string;
  workspace_id: string;
  user_id: string;
  csrf_token: string;
  /** 1 while the password was accepted but the TOTP step is pending. */
  mfa_pending: number;
  created_at: string;
  last_seen_at: string;
  /** Absolute end of life. */
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
}

export interface ApiTokenTable {
  id: string;
  workspace_id: string;
  user_id: string;
  /** Role the token acts with; null means the user's role. */
  role_id: string | null;
  name: string;
  /** SHA-256 of the token. */
  token_hash: string;
  /** First characters of the token, shown to recognise it. */
  prefix: string;
  default_purpose: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
}

export interface MfaRecoveryCodeTable {
  id: string;
  workspace_id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface SignInThrottleTable {
  /** `account:<sha256>` or `ip:<address>`. */
  key: string;
  failures: number;
  window_start: string;
  locked_until: string | null;
}

export interface PasswordResetTable {
  id: string;
  workspace_id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AuditLogTable {
  workspace_id: string;
  /** Position in the workspace's chain, from 1. */
  seq: number;
  at: string;
  /** `user`, `token`, `system`, `subject` or `anonymous`. */
  actor_type: string;
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  /** Pseudonymous id of the data subject concerned, never a name or an email. */
  subject_pseudonym: string | null;
  purpose: string | null;
  /** `allowed`, `denied` or `failed`. */
  outcome: string;
  request_id: string | null;
  ip: string | null;
  /** JSON object of non-personal details (counts, digests, codes). */
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  workspace_id: string;
  seq: number;
  hash: string;
}

export interface JobLeaseTable {
  name: string;
  holder: string | null;
  expires_at: string;
}

export interface JobRunTable {
  id: Generated<number>;
  name: string;
  holder: string;
  started_at: string;
  finished_at: string | null;
  /** `running`, `succeeded` or `failed`. */
  outcome: string;
  details: string;
}

/** A create that carried an `Idempotency-Key` (src/http/idempotency.ts); forgotten after 24 hours. */
export interface IdempotencyKeyTable {
  workspace_id: string;
  /** `user:<id>` or `token:<id>`: keys are scoped to who sent them. */
  actor: string;
  key: string;
  /** Random salt of the fingerprint, so that the stored digest says nothing about the body. */
  salt: string;
  /** HMAC-SHA-256 (salt) of method, route and body. */
  fingerprint: string;
  state: 'pending' | 'done';
  status: number | null;
  resource_id: string | null;
  created_at: string;
}
