import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPortalTokens, portalTokenHash } from '../../src/rights/portal/portal-tokens.ts';

describe('portal tokens', () => {
  const tokens = createPortalTokens(randomBytes(32));

  it('reads back what it signed, only for the kind it was signed for', () => {
    const claims = { id: randomUUID(), expiresAt: 1_900_000_000_000 };
    const status = tokens.sign('status', claims);
    expect(tokens.verify('status', status)).toEqual(claims);
    expect(tokens.verify('download', status)).toBeUndefined();
    expect(tokens.verify('verify', status)).toBeUndefined();
    expect(createPortalTokens(randomBytes(32)).verify('status', status)).toBeUndefined();
  });

  it('refuses any changed character of a valid token', () => {
    const token = tokens.sign('download', { id: randomUUID(), expiresAt: 1_900_000_000_000 });
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...'ABCabc012_-.'.split('')),
        (at, char) => {
          fc.pre(token[at] !== char);
          const changed = token.slice(0, at) + char + token.slice(at + 1);
          expect(tokens.verify('download', changed)).toBeUndefined();
        },
      ),
    );
  });

  it('never throws on arbitrary input and accepts none of it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (input) => {
        expect(tokens.verify('status', input)).toBeUndefined();
      }),
    );
  });

  it('binds a code hash to its verification and names buckets without the value', () => {
    const id = randomUUID();
    expect(tokens.codeHash(id, '123456').equals(tokens.codeHash(id, '123456'))).toBe(true);
    expect(tokens.codeHash(id, '123456').equals(tokens.codeHash(randomUUID(), '123456'))).toBe(false);
    expect(tokens.bucketKey('email', 'ann@example.org')).not.toContain('ann');
    expect(tokens.bucketKey('email', 'x')).not.toBe(tokens.bucketKey('ip', 'x'));
    expect(portalTokenHash('a')).toHaveLength(32);
  });
});
