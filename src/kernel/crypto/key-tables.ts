import type { Generated } from 'kysely';

/** Tables of the key service (migration 0010_person_keys). */
export interface KeyTables {
  person_keys: PersonKeyTable;
}

/**
 * One data key per person, wrapped under a KEK. A destroyed key keeps its row (zeroed `wrapped_key`, `destroyed_at`
 * set) as the record that the person was crypto-shredded.
 */
export interface PersonKeyTable {
  /** Key id (UUID), cited by the shred journal and erasure certificates. */
  id: string;
  workspace_id: string;
  /** The person the key belongs to (no foreign key: the key row outlives the erased person). */
  person_id: string;
  /** Generation of the data key, bound into every field ciphertext. */
  key_version: Generated<number>;
  /** Version of the KEK `wrapped_key` is wrapped under. */
  kek_version: number;
  /** AES-256-GCM(KEK, data key): 60 bytes; zeros once destroyed. */
  wrapped_key: Buffer;
  created_at: string;
  destroyed_at: string | null;
}
