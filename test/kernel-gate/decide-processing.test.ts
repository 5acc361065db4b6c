import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categoryWithinAny } from '../../src/kernel/catalogue/category-prefix.ts';
import { findDefaultCategory } from '../../src/kernel/catalogue/taxonomy.ts';
import {
  decideProcessing,
  operations,
  type CategoryFacts,
  type Operation,
  type ProcessingInput,
  type RoleScope,
} from '../../src/kernel/gate/decide-processing.ts';
import { lawfulBases, type PurposeRecord } from '../../src/kernel/purposes/purpose-types.ts';
import type { PurposeStanding } from '../../src/kernel/standing/standing-types.ts';

function purpose(overrides: Partial<PurposeRecord> = {}): PurposeRecord {
  return {
    key: 'crm',
    version: 1,
    name: 'CRM',
    description: '',
    lawfulBasis: 'legitimate_interests',
    art9Condition: null,
    legitimateInterestAssessment: 'balanced',
    requiredCategories: ['user.name'],
    optionalCategories: ['user.contact', 'user.professional_information'],
    retention: 'P3Y',
    recipients: [],
    active: true,
    directMarketing: false,
    legalClaims: false,
    answersRequests: false,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function cat(key: string): CategoryFacts {
  const found = findDefaultCategory(key);
  return { key, special: found?.special ?? false, criminal: found?.criminal ?? false };
}

function person(id: string, overrides: Partial<PurposeStanding> = {}): PurposeStanding {
  return { personId: id, consent: 'none', objection: null, restricted: false, ...overrides };
}

const salesRole: RoleScope = {
  purposes: ['crm', 'sales'],
  dataCategories: ['user.name', 'user.contact', 'user.job_title', 'user.workplace', 'user.unique_id'],
};
const everything: RoleScope = { purposes: ['*'], dataCategories: ['*'] };

function input(overrides: Partial<ProcessingInput> = {}): ProcessingInput {
  return {
    purpose: purpose(),
    role: salesRole,
    categories: [cat('user.name.first'), cat('user.contact.email')],
    standings: [person('p1')],
    operation: 'read',
    ...overrides,
  };
}

const marketing = purpose({
  key: 'email_marketing',
  lawfulBasis: 'consent',
  legitimateInterestAssessment: null,
  requiredCategories: ['user.contact.email'],
  optionalCategories: ['user.name'],
  directMarketing: true,
});

/** The built-in purpose that answers data subject requests (ADR 0034), as seeded. */
const requestsPurpose = purpose({
  key: 'data_subject_requests',
  lawfulBasis: 'legal_obligation',
  legitimateInterestAssessment: null,
  art9Condition: 'substantial_public_interest',
  requiredCategories: ['user'],
  optionalCategories: [],
  answersRequests: true,
});
const privacyOfficer: RoleScope = {
  purposes: ['*'],
  dataCategories: ['*'],
  permissions: new Set(['requests:read', 'requests:write', 'people:read']),
};
const answering = (overrides: Partial<ProcessingInput> = {}) =>
  input({
    purpose: requestsPurpose,
    role: privacyOfficer,
    standings: [person('p1', { restricted: true, objection: 'upheld' })],
    personIds: ['p1'],
    answering: { personIds: ['p1'] },
    operation: 'export',
    ...overrides,
  });

describe('decideProcessing: the built-in requests purpose', () => {
  const table: [string, ProcessingInput, string][] = [
    ['exports a restricted, objecting person for their own request', answering(), 'allow'],
    ['writes (rectifies) a restricted person for their own request', answering({ operation: 'write' }), 'allow'],
    ['reads the person for their own request', answering({ operation: 'read' }), 'allow'],
    [
      'a role with only requests:read may read, not export',
      answering({ role: { ...privacyOfficer, permissions: ['requests:read'] } }),
      'ROLE_PURPOSE_DENIED',
    ],
    [
      'requests:read suffices to read',
      answering({ operation: 'read', role: { ...privacyOfficer, permissions: ['requests:read'] } }),
      'allow',
    ],
    ['a sales role (no requests permission) may not use it', answering({ role: salesRole }), 'ROLE_PURPOSE_DENIED'],
    [
      'a `*` purpose grant without requests permission is not enough',
      answering({ role: everything }),
      'ROLE_PURPOSE_DENIED',
    ],
    ['never sends (marketing)', answering({ operation: 'send' }), 'ROLE_PURPOSE_DENIED'],
    ['never shares', answering({ operation: 'share' }), 'ROLE_PURPOSE_DENIED'],
    ['never searches among people', answering({ operation: 'search' }), 'ROLE_PURPOSE_DENIED'],
    ['refused outside a request being answered', answering({ answering: undefined }), 'ROLE_PURPOSE_DENIED'],
    [
      'refused for a person other than the requester',
      answering({
        personIds: ['p1', 'p2'],
        standings: [person('p1'), person('p2', { restricted: true })],
      }),
      'ROLE_PURPOSE_DENIED',
    ],
    [
      'still bound by the role’s categories',
      answering({ role: { ...privacyOfficer, dataCategories: ['user.name'] } }),
      'ROLE_CATEGORY_DENIED',
    ],
    [
      'special data is covered by its Art. 9(2) condition',
      answering({ categories: [cat('user.health.condition')] }),
      'allow',
    ],
    [
      'another purpose flagged legal claims does not need a request, the requests purpose does',
      input({
        role: privacyOfficer,
        purpose: purpose({ legalClaims: true }),
        standings: [person('p1', { restricted: true })],
      }),
      'allow',
    ],
  ];

  it.each(table)('%s', (_name, given, expected) => {
    const decision = decideProcessing(given);
    expect(decision.allowed ? 'allow' : decision.code).toBe(expected);
  });

  it('names the other person it refuses', () => {
    const d = decideProcessing(answering({ personIds: ['p1', 'p2'], standings: [person('p1'), person('p2')] }));
    expect(d).toMatchObject({ allowed: false, personIds: ['p2'] });
  });
});

describe('decideProcessing: the decision table', () => {
  const table: [string, ProcessingInput, string][] = [
    ['allows CRM reading of names and emails by sales', input(), 'allow'],
    [
      'refuses a purpose the role is not granted',
      input({ purpose: purpose({ key: 'accounting' }) }),
      'ROLE_PURPOSE_DENIED',
    ],
    [
      'a `*` purpose grant covers any purpose',
      input({ role: everything, purpose: purpose({ key: 'anything' }) }),
      'allow',
    ],
    ['refuses an inactive purpose', input({ purpose: purpose({ active: false }) }), 'PURPOSE_INACTIVE'],
    [
      'checks the role grant before activity',
      input({ role: { ...salesRole, purposes: [] }, purpose: purpose({ active: false }) }),
      'ROLE_PURPOSE_DENIED',
    ],
    [
      'refuses a category outside the role grant',
      input({ categories: [cat('user.demographic.date_of_birth')] }),
      'ROLE_CATEGORY_DENIED',
    ],
    [
      'sales sees no special categories',
      input({ categories: [cat('user.health.condition')] }),
      'ROLE_CATEGORY_DENIED',
    ],
    [
      'a deprecated grant key (user.job_title) covers its replacement',
      input({ categories: [cat('user.professional_information.job_title')] }),
      'allow',
    ],
    [
      'a grant prefix does not cover a sibling that merely starts with the same letters',
      input({
        role: { ...salesRole, dataCategories: ['user.contact.email'] },
        categories: [cat('user.contact.email_alias')],
      }),
      'ROLE_CATEGORY_DENIED',
    ],
    [
      'refuses a category the purpose does not cover',
      input({ role: everything, categories: [cat('user.location.precise')] }),
      'CATEGORY_NOT_IN_PURPOSE',
    ],
    [
      'a purpose category is a prefix: user.contact covers the postal code',
      input({ categories: [cat('user.contact.address.postal_code')] }),
      'allow',
    ],
    [
      'refuses special data without an Art. 9(2) condition',
      input({
        role: everything,
        purpose: purpose({ optionalCategories: ['user.health'] }),
        categories: [cat('user.health.condition')],
      }),
      'NO_LAWFUL_BASIS',
    ],
    [
      'allows special data with an Art. 9(2) condition',
      input({
        role: everything,
        purpose: purpose({
          lawfulBasis: 'contract',
          art9Condition: 'health_social_care',
          optionalCategories: ['user.health'],
        }),
        categories: [cat('user.health.condition')],
      }),
      'allow',
    ],
    [
      'explicit consent (Art. 9(2)(a)) needs the person’s consent',
      input({
        role: everything,
        purpose: purpose({
          lawfulBasis: 'contract',
          art9Condition: 'explicit_consent',
          optionalCategories: ['user.health'],
        }),
        categories: [cat('user.health.condition')],
      }),
      'CONSENT_MISSING',
    ],
    [
      'refuses criminal-offence data under legitimate interests (Art. 10)',
      input({
        role: everything,
        purpose: purpose({ optionalCategories: ['user.criminal_history'] }),
        categories: [cat('user.criminal_history')],
      }),
      'NO_LAWFUL_BASIS',
    ],
    [
      'allows criminal-offence data under a legal obligation',
      input({
        role: everything,
        purpose: purpose({ lawfulBasis: 'legal_obligation', optionalCategories: ['user.criminal_history'] }),
        categories: [cat('user.criminal_history')],
      }),
      'allow',
    ],
    [
      'refuses legitimate interests without an assessment',
      input({ purpose: purpose({ legitimateInterestAssessment: '  ' }) }),
      'NO_LAWFUL_BASIS',
    ],
    [
      'refuses a consent purpose without consent',
      input({ role: everything, purpose: marketing }),
      'CONSENT_MISSING',
    ],
    [
      'refuses a consent purpose after withdrawal',
      input({ role: everything, purpose: marketing, standings: [person('p1', { consent: 'withdrawn' })] }),
      'CONSENT_MISSING',
    ],
    [
      'allows a consent purpose with current consent',
      input({ role: everything, purpose: marketing, standings: [person('p1', { consent: 'given' })] }),
      'allow',
    ],
    [
      'a create (no existing person) under a consent purpose is decided on the purpose alone',
      input({ role: everything, purpose: marketing, standings: [], operation: 'write' }),
      'allow',
    ],
    [
      'refuses after an upheld objection',
      input({
        purpose: purpose({ lawfulBasis: 'contract' }),
        standings: [person('p1', { objection: 'upheld' })],
      }),
      'OBJECTED',
    ],
    [
      'a pending objection pauses legitimate-interest processing',
      input({ standings: [person('p1', { objection: 'pending' })] }),
      'OBJECTED',
    ],
    [
      'a pending objection does not pause contract processing',
      input({
        purpose: purpose({ lawfulBasis: 'contract' }),
        standings: [person('p1', { objection: 'pending' })],
      }),
      'allow',
    ],
    [
      'a pending objection to direct marketing stops it at once',
      input({
        role: everything,
        purpose: marketing,
        standings: [person('p1', { consent: 'given', objection: 'pending' })],
      }),
      'OBJECTED',
    ],
    [
      'a rejected objection does not stop processing',
      input({ standings: [person('p1', { objection: 'rejected' })] }),
      'allow',
    ],
    [
      'refuses reading a restricted person',
      input({ standings: [person('p1', { restricted: true })] }),
      'RESTRICTED',
    ],
    [
      'allows storing a restricted person',
      input({ operation: 'store', standings: [person('p1', { restricted: true })] }),
      'allow',
    ],
    [
      'allows a legal-claims purpose on a restricted person',
      input({ purpose: purpose({ legalClaims: true }), standings: [person('p1', { restricted: true })] }),
      'allow',
    ],
    [
      'restriction is reported before objection',
      input({ standings: [person('p1', { restricted: true, objection: 'upheld' })] }),
      'RESTRICTED',
    ],
    [
      'one person without consent refuses a bulk send',
      input({
        role: everything,
        purpose: marketing,
        operation: 'send',
        standings: [person('a', { consent: 'given' }), person('b'), person('c', { consent: 'given' })],
      }),
      'CONSENT_MISSING',
    ],
  ];

  it.each(table)('%s', (_name, given, expected) => {
    const decision = decideProcessing(given);
    expect(decision.allowed ? 'allow' : decision.code).toBe(expected);
  });

  it('names the categories and persons at fault', () => {
    const byCategory = decideProcessing(
      input({ role: everything, categories: [cat('user.name.first'), cat('user.location.precise')] }),
    );
    expect(byCategory).toMatchObject({
      allowed: false,
      code: 'CATEGORY_NOT_IN_PURPOSE',
      categories: ['user.location.precise'],
    });
    const byPerson = decideProcessing(
      input({
        role: everything,
        purpose: marketing,
        standings: [person('a', { consent: 'given' }), person('b')],
      }),
    );
    expect(byPerson).toMatchObject({ allowed: false, code: 'CONSENT_MISSING', personIds: ['b'] });
  });
});

// ---- properties -------------------------------------------------------------------------------------------------

// Pools small enough that random roles, purposes and requests often line up (so that "allowed" cases are common
// and the properties are not vacuous), with special (Art. 9), criminal (Art. 10) and deprecated keys among them.
const broadPrefixes = [
  'user.name',
  'user.contact',
  'user.contact.email',
  'user.health',
  'user.criminal_history',
  'user.professional_information',
  'user.job_title',
  'user.demographic',
  'user.location',
];
const leafKeys = [
  'user.name.first',
  'user.name.last',
  'user.contact.email',
  'user.contact.phone_number',
  'user.contact.address.city',
  'user.health.condition',
  'user.health.genetic',
  'user.criminal_history',
  'user.professional_information.job_title',
  'user.demographic.gender',
  'user.demographic.religious_belief',
  'user.location.precise',
];
const purposeKeys = ['crm', 'sales', 'support', 'email_marketing', 'research'];

const categoryArb = fc.constantFrom(...leafKeys).map(cat);
const prefixesArb = (max: number) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant(['*']) },
    { weight: 4, arbitrary: fc.subarray(broadPrefixes, { minLength: 1, maxLength: max }) },
  );
const permissionsArb = fc.oneof(
  fc.constant(['requests:read', 'requests:write']),
  fc.subarray(['requests:read', 'requests:write', 'people:read']),
);
const roleArb: fc.Arbitrary<RoleScope> = fc.record({
  purposes: fc.oneof(
    { weight: 1, arbitrary: fc.constant(['*']) },
    { weight: 3, arbitrary: fc.subarray(purposeKeys) },
  ),
  dataCategories: prefixesArb(6),
  permissions: permissionsArb,
});
const plainPurposeArb: fc.Arbitrary<PurposeRecord> = fc
  .record({
    key: fc.constantFrom(...purposeKeys),
    lawfulBasis: fc.constantFrom(...lawfulBases),
    art9Condition: fc.option(
      fc.constantFrom('explicit_consent' as const, 'health_social_care' as const, 'legal_claims' as const),
      { nil: null },
    ),
    legitimateInterestAssessment: fc.option(fc.constant('assessed'), { nil: null, freq: 4 }),
    requiredCategories: fc.subarray(broadPrefixes, { maxLength: 3 }),
    optionalCategories: fc.subarray(broadPrefixes, { maxLength: 6 }),
    active: fc.boolean(),
    directMarketing: fc.boolean(),
    legalClaims: fc.boolean(),
  })
  .map((p) => purpose(p));
const purposeArb: fc.Arbitrary<PurposeRecord> = fc.oneof(
  { weight: 5, arbitrary: plainPurposeArb },
  {
    weight: 1,
    arbitrary: fc.boolean().map((active) => ({ ...requestsPurpose, active: active || requestsPurpose.active })),
  },
);
const standingArb = (id: string): fc.Arbitrary<PurposeStanding> =>
  fc.record({
    personId: fc.constant(id),
    consent: fc.constantFrom('given' as const, 'given' as const, 'none' as const, 'withdrawn' as const),
    objection: fc.constantFrom(null, null, null, 'pending' as const, 'upheld' as const, 'rejected' as const),
    restricted: fc.boolean(),
  });
const standingsArb = fc
  .integer({ min: 0, max: 4 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => standingArb(`p${i}`))));
/** Requests mostly touch categories both the role and the purpose hold, sometimes anything. */
const inputArb: fc.Arbitrary<ProcessingInput> = fc
  .record({
    purpose: purposeArb,
    role: roleArb,
    standings: standingsArb,
    operation: fc.constantFrom<Operation>(...operations),
    // The request answered: none, the first person's, or another's.
    answeringWho: fc.constantFrom('none', 'p0', 'p0', 'p0', 'other'),
  })
  .map(({ answeringWho, ...base }) => ({
    ...base,
    personIds: base.standings.map((s) => s.personId),
    answering: answeringWho === 'none' ? undefined : { personIds: [answeringWho] },
  }))
  .chain((base) => {
    const fitting = leafKeys.filter(
      (k) =>
        categoryWithinAny(k, base.role.dataCategories) &&
        categoryWithinAny(k, [...base.purpose.requiredCategories, ...base.purpose.optionalCategories]),
    );
    const pool = fitting.length > 0 ? fitting : leafKeys;
    const categories = fc.oneof(
      { weight: 4, arbitrary: fc.uniqueArray(fc.constantFrom(...pool), { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...leafKeys), { maxLength: 3 }) },
    );
    return categories.map((keys) => ({ ...base, categories: keys.map(cat) }));
  });

describe('decideProcessing: properties', () => {
  const runs = { numRuns: 3000 };

  it('never allows a category outside the role’s grant', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        if (!decideProcessing(i).allowed) return;
        for (const c of i.categories) expect(categoryWithinAny(c.key, i.role.dataCategories)).toBe(true);
      }),
      runs,
    );
  });

  it('never allows a purpose the role is not granted, nor an inactive one', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        if (!decideProcessing(i).allowed) return;
        if (i.purpose.answersRequests) {
          const granted = new Set(i.role.permissions ?? []);
          expect(granted.has('requests:write') || (i.operation === 'read' && granted.has('requests:read'))).toBe(
            true,
          );
        } else {
          expect(i.role.purposes.includes('*') || i.role.purposes.includes(i.purpose.key)).toBe(true);
        }
        expect(i.purpose.active).toBe(true);
      }),
      runs,
    );
  });

  it('never allows a category the purpose does not cover', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        if (!decideProcessing(i).allowed) return;
        for (const c of i.categories) {
          expect(
            categoryWithinAny(c.key, [...i.purpose.requiredCategories, ...i.purpose.optionalCategories]),
          ).toBe(true);
        }
      }),
      runs,
    );
  });

  it('never allows a consent purpose without every person’s current consent', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        if (!decideProcessing(i).allowed || i.purpose.lawfulBasis !== 'consent') return;
        for (const s of i.standings) expect(s.consent).toBe('given');
      }),
      runs,
    );
  });

  it('restricted persons: only storage, legal claims, or answering their own request is allowed', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        if (!decideProcessing(i).allowed || !i.standings.some((s) => s.restricted)) return;
        const ownRequest =
          i.purpose.answersRequests &&
          i.standings.every((s) => i.answering?.personIds.includes(s.personId) === true);
        expect(i.operation === 'store' || i.purpose.legalClaims || ownRequest).toBe(true);
      }),
      runs,
    );
  });

  it('the requests purpose: never sends, shares or searches, never outside a request, never another person', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        if (!i.purpose.answersRequests || !decideProcessing(i).allowed) return;
        expect(['read', 'write', 'export', 'store']).toContain(i.operation);
        expect(i.answering).toBeDefined();
        for (const id of i.personIds ?? []) expect(i.answering?.personIds).toContain(id);
      }),
      runs,
    );
  });

  it('never allows after an upheld objection, nor special data without an Art. 9 condition', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        if (!decideProcessing(i).allowed) return;
        if (!i.purpose.answersRequests) expect(i.standings.some((s) => s.objection === 'upheld')).toBe(false);
        if (i.categories.some((c) => c.special)) expect(i.purpose.art9Condition).not.toBeNull();
      }),
      runs,
    );
  });

  it('is monotone: touching fewer categories or fewer persons never turns an allow into a refusal', () => {
    fc.assert(
      fc.property(inputArb, fc.nat(), (i, n) => {
        if (!decideProcessing(i).allowed) return;
        const fewerCategories = i.categories.filter((_, k) => k !== n % Math.max(1, i.categories.length));
        const fewerPersons = i.standings.filter((_, k) => k !== n % Math.max(1, i.standings.length));
        expect(decideProcessing({ ...i, categories: fewerCategories }).allowed).toBe(true);
        expect(
          decideProcessing({ ...i, standings: fewerPersons, personIds: fewerPersons.map((s) => s.personId) })
            .allowed,
        ).toBe(true);
      }),
      runs,
    );
  });

  it('generates enough allowed cases for the properties above to mean something', () => {
    const samples = fc.sample(inputArb, { numRuns: 5000, seed: 42 });
    const allowed = samples.filter((i) => decideProcessing(i).allowed);
    const touching = allowed.filter((i) => i.categories.length > 0);
    expect(touching.length).toBeGreaterThan(100);
    expect(touching.filter((i) => i.categories.some((c) => c.special)).length).toBeGreaterThan(5);
    expect(
      allowed.filter((i) => i.purpose.lawfulBasis === 'consent' && i.standings.length > 0).length,
    ).toBeGreaterThan(5);
    expect(allowed.filter((i) => i.standings.some((s) => s.restricted)).length).toBeGreaterThan(5);
    const answered = allowed.filter((i) => i.purpose.answersRequests && i.standings.length > 0);
    expect(answered.filter((i) => i.standings.some((s) => s.restricted)).length).toBeGreaterThan(5);
  });

  it('allows whenever every rule is satisfied (the gate is not simply closed)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          categoryArb.filter((c) => !c.special && !c.criminal),
          { maxLength: 4, selector: (c) => c.key },
        ),
        fc.constantFrom<Operation>(...operations),
        (categories, operation) => {
          const p = purpose({ key: 'crm', optionalCategories: ['user'] });
          const d = decideProcessing({
            purpose: p,
            role: everything,
            categories,
            standings: [person('a')],
            operation,
          });
          expect(d.allowed).toBe(true);
        },
      ),
    );
  });
});
