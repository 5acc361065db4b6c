/** Tables of the people (data subjects) and the erasure pipeline (migration 0012_people_erasure). */
export interface PeopleTables {
  persons: PersonTable;
  person_blind_indexes: PersonBlindIndexTable;
  suppressions: SuppressionTable;
  legal_holds: LegalHoldTable;
  legal_hold_persons: LegalHoldPersonTable;
  erasure_runs: ErasureRunTable;
  erasure_certificates: ErasureCertificateTable;
}

/** A data subject. Every personal value is an envelope under the person's own data key (null once erased). */
export interface PersonTable {
  id: string;
  workspace_id: string;
  /** Random opaque id used in audit entries; never derived from personal data. */
  pseudonym: string;
  /** Field-cipher envelopes (`src/kernel/crypto/field-cipher.ts`), bound to workspace, table, column and row. */
  first_name: Buffer | null;
  last_name: Buffer | null;
  email: Buffer | null;
  phone: Buffer | null;
  created_at: string;
  updated_at: string;
  /** Set when the erasure pipeline finished: the person answers 410 from then on. */
  erased_at: string | null;
  /** The erasure run holding the person while it works; other changes are refused meanwhile. */
  erasing_run_id: string | null;
  /** Optimistic concurrency: +1 on every change. */
  version: number;
}

/** Truncated keyed hash of a normalised searchable value (`src/kernel/crypto/blind-index.ts`). */
export interface PersonBlindIndexTable {
  workspace_id: string;
  /** Attribute name (`email`, `phone`). */
  field: string;
  hash: Buffer;
  person_id: string;
}

/** Keyed hash of a normalised email or phone of an erased or objecting person: blocks silent re-creation. */
export interface SuppressionTable {
  workspace_id: string;
  /** `email` or `phone`. */
  kind: string;
  /** Full HMAC-SHA256 (32 bytes) under a key derived from the server secret. */
  hash: Buffer;
  /** `erased` or `objected`. */
  reason: string;
  created_at: string;
  /** The erasure run that wrote it, when one did. */
  run_id: string | null;
}

/** A legal hold: blocks the erasure of one person, or of every person linked to a matter. */
export interface LegalHoldTable {
  id: string;
  workspace_id: string;
  /** The person held (person holds), or null for a matter hold. */
  person_id: string | null;
  /** Reference of the matter (case number), never a name. */
  matter: string | null;
  /** `litigation`, `investigation`, `regulator_request` or `other`. */
  reason: string;
  placed_at: string;
  placed_by_type: string;
  placed_by_id: string | null;
  released_at: string | null;
}

/** A person covered by a matter hold. */
export interface LegalHoldPersonTable {
  hold_id: string;
  workspace_id: string;
  person_id: string;
}

/** Progress of one run of the erasure pipeline. */
export interface ErasureRunTable {
  id: string;
  workspace_id: string;
  person_id: string;
  subject_pseudonym: string;
  /** `admin_delete`, `request` or `retention`. */
  trigger: string;
  /** `running`, `completed`, `rolled_back` or `failed`. */
  status: string;
  /** JSON array of `{ name, reversible, state, at }`. */
  steps: string;
  /** JSON array of what was kept, with the reason. */
  kept: string;
  /** Error code of the failure, if any (never a message that could hold personal data). */
  error_code: string | null;
  actor_type: string;
  actor_id: string | null;
  started_at: string;
  finished_at: string | null;
  certificate_id: string | null;
}

/** Evidence that an erasure happened: ids, time, scope, steps and what was kept. No personal data. */
export interface ErasureCertificateTable {
  id: string;
  workspace_id: string;
  run_id: string;
  subject_pseudonym: string;
  trigger: string;
  /** JSON: what was in scope (entity, categories). */
  scope: string;
  /** Id of the destroyed data key, when the person had one. */
  key_id: string | null;
  /** JSON array of step names done. */
  steps: string;
  /** JSON array of `{ eraser, category, purpose, count, reason, until }`. */
  kept: string;
  issued_at: string;
  /** Hex HMAC-SHA256 of the canonical certificate under a key derived from the server secret. */
  signature: string;
}
