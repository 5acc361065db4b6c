import { randomPoolBytes } from '../crypto/random-pool.ts';

/**
 * A new pseudonym for a person: 128 random bits, never derived from personal data, so that an audit entry naming it
 * reveals nothing about who the person is once the `persons` row is erased.
 *
 * @example
 * newPseudonym(); // 'psn_3q2-7wEvQxC8ZbB0mQm1Vg'
 */
export function newPseudonym(): string {
  return `psn_${randomPoolBytes(16).toString('base64url')}`;
}
