import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenSigner } from '../../src/consent/double-opt-in/signed-token.ts';
import { cleanOrigin } from '../../src/consent/forms/build-form-definition.ts';
import { pageUrlWithoutQuery, truncateIp } from '../../src/consent/forms/request-evidence.ts';

const secret = Buffer.alloc(32, 3);
const signer = createTokenSigner(secret, 'double-opt-in');

describe('signed link tokens', () => {
  it('round-trips the claims of a token it signed', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: null }), (id, expiresAt) => {
        expect(signer.verify(signer.sign({ id, expiresAt }))).toEqual({ id, expiresAt });
      }),
    );
  });

  it('refuses any change to a token, any string it did not sign, and tokens of another use or key', () => {
    const token = signer.sign({ id: randomUUID(), expiresAt: 1_800_000_000_000 });
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCabc012-_.'.split('')), (at, char) => {
        const changed = token.slice(0, at) + char + token.slice(at + 1);
        if (changed !== token) expect(signer.verify(changed)).toBeUndefined();
      }),
    );
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      expect(signer.verify(text)).toBeUndefined();
    }));
    expect(createTokenSigner(secret, 'recipient').verify(token)).toBeUndefined();
    expect(createTokenSigner(Buffer.alloc(32, 4), 'double-opt-in').verify(token)).toBeUndefined();
  });
});

describe('evidence and origin parsing', () => {
  it('keeps only the network of an IP address, and nothing of what is not one', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIp('::ffff:198.51.100.9')).toBe('198.51.100.0');
    expect(truncateIp('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1::');
    expect(truncateIp('2001:db8::5')).toBe('2001:db8:0::');
    expect(truncateIp('not an ip')).toBeUndefined();
    fc.assert(fc.property(fc.ipV4(), (ip) => {
      expect(truncateIp(ip)?.endsWith('.0')).toBe(true);
    }));
  });

  it('drops query strings and fragments from page addresses', () => {
    expect(pageUrlWithoutQuery('https://shop.example.com/news?email=a@b.c#x')).toBe('https://shop.example.com/news');
    expect(pageUrlWithoutQuery('javascript:alert(1)')).toBeUndefined();
    fc.assert(fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
      expect(pageUrlWithoutQuery(url) ?? '').not.toMatch(/[?#]/);
    }));
  });

  it('accepts bare https origins (http only on loopback) and nothing with a path, query or credentials', () => {
    expect(cleanOrigin('https://www.example.com/')).toBe('https://www.example.com');
    expect(cleanOrigin('http://127.0.0.1:8081')).toBe('http://127.0.0.1:8081');
    for (const bad of ['http://www.example.com', 'https://www.example.com/shop', 'https://u:p@example.com', 'https://example.com?x=1', '*', 'null']) {
      expect(cleanOrigin(bad)).toBeUndefined();
    }
  });
});
