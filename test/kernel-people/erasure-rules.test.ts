import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCertificateSigner } from '../../src/kernel/erasure/erasure-certificate.ts';
import { addIsoDuration, decideKept, type PurposeFacts } from '../../src/kernel/erasure/erasure-exceptions.ts';
import { orderSteps } from '../../src/kernel/erasure/run-erasure-steps.ts';
import type { ErasureStep } from '../../src/kernel/erasure/erasure-step.ts';
import { newPseudonym } from '../../src/kernel/people/pseudonym.ts';

const step = (name: string, reversible: boolean): ErasureStep<unknown> => ({ name, reversible, run: async () => undefined });

describe('erasure rules (pure)', () => {
  it('runs reversible steps first and irreversible ones last, keeping the order within each group', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 12 }), (flags) => {
        const steps = flags.map((r, i) => step(`s${i}`, r));
        const ordered = orderSteps(steps);
        const firstIrreversible = ordered.findIndex((s) => !s.reversible);
        if (firstIrreversible >= 0) expect(ordered.slice(firstIrreversible).every((s) => !s.reversible)).toBe(true);
        expect(ordered.filter((s) => s.reversible).map((s) => s.name)).toEqual(steps.filter((s) => s.reversible).map((s) => s.name));
        expect(ordered).toHaveLength(steps.length);
      }),
    );
  });

  it('adds retention periods in calendar terms, the last day of a shorter month when the day does not exist', () => {
    expect(addIsoDuration('2025-01-31T00:00:00.000Z', 'P1M')).toBe('2025-02-28T00:00:00.000Z');
    expect(addIsoDuration('2024-02-29T12:00:00.000Z', 'P1Y')).toBe('2025-02-28T12:00:00.000Z');
    expect(addIsoDuration('2026-03-02T10:00:00.000Z', 'P10Y')).toBe('2036-03-02T10:00:00.000Z');
    expect(addIsoDuration('2026-03-02T10:00:00.000Z', 'P2W3D')).toBe('2026-03-19T10:00:00.000Z');
    expect(addIsoDuration('2026-03-02T10:00:00.000Z', 'three years')).toBeUndefined();
    expect(addIsoDuration('2026-03-02T10:00:00.000Z', 'P')).toBeUndefined();
  });

  it('keeps only holdings under an exception purpose whose retention has not run out', () => {
    const purposes = new Map<string, PurposeFacts>([
      ['accounting', { key: 'accounting', lawfulBasis: 'legal_obligation', art9Condition: null, legalClaims: false, retention: 'P10Y' }],
      ['claims', { key: 'claims', lawfulBasis: 'legitimate_interests', art9Condition: null, legalClaims: true, retention: 'P3Y' }],
      ['crm', { key: 'crm', lawfulBasis: 'legitimate_interests', art9Condition: null, legalClaims: false, retention: 'P3Y' }],
    ]);
    const now = '2026-03-02T10:00:00.000Z';
    const kept = decideKept('x', [
      { category: 'user.financial', purpose: 'accounting', since: '2020-01-01T00:00:00.000Z', count: 1 },
      { category: 'user.financial', purpose: 'accounting', since: '2016-03-02T09:00:00.000Z', count: 1 },
      { category: 'user.contact', purpose: 'claims', since: '2025-01-01T00:00:00.000Z', count: 2 },
      { category: 'user.contact', purpose: 'crm', since: '2026-01-01T00:00:00.000Z', count: 5 },
      { category: 'user.contact', purpose: 'unknown', since: '2026-01-01T00:00:00.000Z', count: 5 },
    ], purposes, now);
    expect(kept.map((k) => [k.purpose, k.exception, k.until])).toEqual([
      ['accounting', 'legal_obligation', '2030-01-01T00:00:00.000Z'],
      ['claims', 'legal_claims', '2028-01-01T00:00:00.000Z'],
    ]);
  });

  it('signs certificates so that any edit is detected', () => {
    const signer = createCertificateSigner(randomBytes(32));
    const cert = signer.sign({
      id: 'c1', runId: 'r1', subjectPseudonym: newPseudonym(), trigger: 'admin_delete',
      scope: { entity: 'person', fields: ['email'], erasers: ['standing'] }, keyId: 'k1',
      steps: ['claim', 'certificate'], kept: [], issuedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(signer.verify(cert)).toBe(true);
    expect(signer.verify({ ...cert, keyId: 'k2' })).toBe(false);
    expect(signer.verify({ ...cert, steps: ['claim'] })).toBe(false);
    expect(createCertificateSigner(randomBytes(32)).verify(cert)).toBe(false);
  });

  it('gives every person a fresh random pseudonym', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => newPseudonym()));
    expect(seen.size).toBe(1000);
  });
});
