import { hash } from 'node:crypto';

/** The fields of an audit entry that its hash covers, in stored form. */
export interface ChainedFields {
  workspace_id: string;
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  subject_pseudonym: string | null;
  purpose: string | null;
  outcome: string;
  request_id: string | null;
  ip: string | null;
  details: string;
}

/** Hash of the chain before its first entry. */
export const genesisHash = '0'.repeat(64);

/**
 * Canonical form of an entry: a JSON array in a fixed field order, so that the same entry always hashes the same.
 */
export function canonicalEntry(e: ChainedFields): string {
  return JSON.stringify([
    e.workspace_id,
    Number(e.seq),
    e.at,
    e.actor_type,
    e.actor_id,
    e.action,
    e.resource_type,
    e.resource_id,
    e.subject_pseudonym,
    e.purpose,
    e.outcome,
    e.request_id,
    e.ip,
    e.details,
  ]);
}

/**
 * `sha256(prevHash || "\n" || canonical entry)` as hex.
 *
 * @example
 * const h1 = chainHash(genesisHash, entry1);
 * const h2 = chainHash(h1, entry2);
 */
export function chainHash(prevHash: string, entry: ChainedFields): string {
  // One-shot `crypto.hash` over one string: the same bytes as three `update` calls, without the Hash object.
  return hash('sha256', `${prevHash}\n${canonicalEntry(entry)}`, 'hex');
}
