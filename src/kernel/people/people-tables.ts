/**
 * Tables of the people (data subjects) and the erasure pipeline (migration 0012_people_erasure); contact details,
 * tags, provenance and rectification history (migration 0020_person_contacts).
 */
export interface PeopleTables {
  persons: PersonTable;
  person_contact_points: PersonContactPointTable;
  person_tags: PersonTagTable;
  person_field_provenance: PersonFieldProvenanceTable;
  person_rectifications: PersonRectificationTable;
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
  job_title: Buffer | null;
  /** JSON `{ street, city, postalCode, region, country }`, encrypted as one value. */
  address: Buffer | null;
  notes: Buffer | null;
  /** Record-level provenance: free text, so encrypted (`person.sourceDetail`). */
  source_detail: Buffer | null;
  /** Business data, plain. The organization (table `organizations`, no foreign key). */
  organization_id: string | null;
  /** The user who owns the contact. */
  owner_user_id: string | null;
  /** `lead`, `prospect`, `customer` or `former`. */
  lifecycle_stage: string | null;
  /** Record-level provenance: `provided`, `form`, `import`, `enrichment`, `event` or `referral`. */
  source: string;
  /** When the data was obtained (ISO-8601 UTC); null for rows older than provenance. */
  obtained_at: string | null;
  /** The import that created the person, when one did. */
  import_id: string | null;
  created_at: string;
  updated_at: string;
  /** Set when the erasure pipeline finished: the person answers 410 from then on. */
  erased_at: string | null;
  /** The erasure run holding the person while it works; other changes are refused meanwhile. */
  erasing_run_id: string | null;
  /** Optimistic concurrency: +1 on every change. */
  version: number;
}

/** One email or phone of a person; the primary one is also in `persons.email` / `persons.phone`. */
export interface PersonContactPointTable {
  id: string;
  workspace_id: string;
  person_id: string;
  /** `email` or `phone`. */
  kind: string;
  /** Order shown, from 0. */
  position: number;
  /** Field-cipher envelope bound to (workspace, `person_contact_points`, `value`, id). */
  value: Buffer;
  /** `work`, `home`… (a label, not a value about the person). */
  label: string | null;
  is_primary: number;
}

/** A tag on a person (plain: lists filter on it). */
export interface PersonTagTable {
  workspace_id: string;
  person_id: string;
  tag: string;
}

/** Provenance of one field where it differs from the person's record-level provenance (Art. 14, Art. 15(1)(g)). */
export interface PersonFieldProvenanceTable {
  workspace_id: string;
  person_id: string;
  /** Attribute name (`email`, `jobTitle`…). */
  field: string;
  source: string;
  /** Free text, encrypted under the person's key. */
  source_detail: Buffer | null;
  obtained_at: string;
  import_id: string | null;
}

/** One rectification of a person (Art. 16): who, when, why, and the old values encrypted under the person's key. */
export interface PersonRectificationTable {
  id: string;
  workspace_id: string;
  person_id: string;
  /** The person's version after the change. */
  version: number;
  /** JSON array of the attribute names changed (names only). */
  fields: string;
  /** Envelope of the JSON object of old values. */
  old_values: Buffer;
  /** Envelope of the reason given, when one was. */
  reason: Buffer | null;
  actor_type: string;
  actor_id: string | null;
  changed_at: string;
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
