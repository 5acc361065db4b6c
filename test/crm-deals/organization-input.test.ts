import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseCountry, normaliseDomain } from '../../src/crm/organizations/organization-input.ts';
import { normaliseCurrency } from '../../src/crm/deals/currency.ts';
import { isAppError } from '../../src/errors.ts';

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/).filter((l) => l !== 'www');
const domain = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,10}$/)).map(([ls, tld]) => [...ls, tld].join('.'));

describe('organization and deal input rules', () => {
  it('normalises any spelling of a domain (scheme, www, case, path, trailing dot) to the same host', () => {
    fc.assert(
      fc.property(domain, fc.constantFrom('', 'http://', 'https://', 'HTTPS://'), fc.boolean(), fc.constantFrom('', '/', '/about?x=1', '.'), (d, scheme, www, tail) => {
        const spelled = `${scheme}${www ? 'WWW.' : ''}${d.toUpperCase()}${tail}`;
        expect(normaliseDomain(spelled)).toBe(d);
        expect(normaliseDomain(normaliseDomain(spelled))).toBe(d);
      }),
    );
  });

  it('answers any text with a lower-case host or a VALIDATION_FAILED naming /domain, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          const host = normaliseDomain(text);
          expect(host).toMatch(/^[a-z0-9.-]+$/);
          expect(host).toContain('.');
        } catch (error) {
          expect(isAppError(error) && error.code === 'VALIDATION_FAILED' && JSON.stringify(error.details).includes('/domain')).toBe(true);
        }
      }),
    );
  });

  it('accepts ISO country and currency codes in any case and refuses the rest', () => {
    expect(normaliseCountry(' de ')).toBe('DE');
    expect(normaliseCurrency('sek')).toBe('SEK');
    for (const bad of ['', 'D', 'DEU', 'XX', 'ZZ', '12']) expect(() => normaliseCountry(bad)).toThrow();
    for (const bad of ['', 'EU', 'EURO', 'ABC', 'XXZ', '123']) expect(() => normaliseCurrency(bad)).toThrow();
  });
});
