import { createHash } from 'node:crypto';

/**
 * SHA-256 (hex) of a set of person ids, order and duplicates ignored: what a bulk operation's audit entry records
 * instead of listing the people, so that "was this person in that export?" can be answered later without the audit
 * log naming anyone.
 *
 * @example
 * subjectDigest(['b', 'a']) === subjectDigest(['a', 'b', 'a']); // true
 */
export function subjectDigest(personIds: readonly string[]): string {
  const sorted = [...new Set(personIds)].sort();
  return createHash('sha256').update(sorted.join('\n')).digest('hex');
}
