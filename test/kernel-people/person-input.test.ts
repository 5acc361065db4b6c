import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanEmail, cleanPhone, validatePersonInput } from '../../src/kernel/people/person-input.ts';
import { nameIndexTerms, nameQueryTerm, namesMatch, nameTokens } from '../../src/kernel/people/person-name-terms.ts';

describe('person input rules (shared by the API and the importer)', () => {
  it('normalises emails and phones idempotently, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const email = cleanEmail(s);
        if (email !== undefined) expect(cleanEmail(email)).toBe(email);
        const phone = cleanPhone(s);
        if (phone !== undefined) {
          expect(phone).toMatch(/^\+[1-9][0-9]{2,14}$/);
          expect(cleanPhone(phone)).toBe(phone);
        }
      }),
    );
  });

  it('puts phones in E.164, national ones only with a country, and refuses impossible lengths', () => {
    expect(cleanPhone('+44 (0)20 7946-0958')).toBe('+442079460958');
    expect(cleanPhone('+44 20 7946-0958')).toBe('+442079460958');
    expect(cleanPhone('0033 6 12 34 56 78')).toBe('+33612345678');
    expect(cleanPhone('06 12 34 56 78')).toBeUndefined();
    expect(cleanPhone('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(cleanPhone('+1 555')).toBeUndefined();
    expect(cleanPhone('call me')).toBeUndefined();
  });

  it('names each broken rule by field and reason code, never by value', () => {
    const result = validatePersonInput(
      {
        lastName: ' ',
        emails: [{ value: 'a@x.example', primary: true }, { value: 'b@x.example', primary: true }],
        phone: 'secret-probe',
        address: { country: 'XX' },
        lifecycleStage: 'champion' as never,
        tags: [''],
        provenance: { source: 'scraped' as never },
      },
      { mode: 'create' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => `${e.path}:${e.reason}`).sort()).toEqual(
      ['/address/country:invalid_country', '/emails:two_primaries', '/lastName:blank', '/lifecycleStage:unknown_stage', '/phone:invalid_phone', '/provenance/source:unknown_source', '/tags/0:invalid_tag'].sort(),
    );
    expect(JSON.stringify(result.errors)).not.toContain('secret-probe');
  });

  it('makes the first email primary when none is marked, and puts the primary first', () => {
    const none = validatePersonInput({ emails: [{ value: 'a@x.example' }, { value: 'b@x.example' }] }, { mode: 'create' });
    expect(none.ok && none.value.email).toBe('a@x.example');
    const second = validatePersonInput({ emails: [{ value: 'a@x.example' }, { value: 'b@x.example', primary: true }] }, { mode: 'create' });
    expect(second.ok && second.value.emails?.map((e) => e.value)).toEqual(['b@x.example', 'a@x.example']);
  });

  it('indexes name prefixes of 3 and 5 letters and finds every name by any prefix of its words from 3 letters', () => {
    expect(nameIndexTerms(['Zoë', 'Saint-Exupéry', 'Wu'])).toEqual(['zoe', 'sai', 'saint', 'exu', 'exupe', 'wu']);
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z]{1,12}$/), fc.stringMatching(/^[A-Za-z]{1,12}$/), fc.nat(11), (first, last, cut) => {
        const terms = new Set(nameIndexTerms([first, last]));
        for (const token of nameTokens(`${first} ${last}`)) {
          const query = token.length < 3 ? token : token.slice(0, Math.max(3, Math.min(token.length, cut + 1)));
          expect(terms.has(nameQueryTerm(query))).toBe(true);
          expect(namesMatch([first, last], [query])).toBe(true);
        }
      }),
    );
  });
});
