import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueDateOf, extendedDueDate, periodEnd, slaOf } from '../../src/rights/requests/request-deadlines.ts';
import { assertTransition, requestTransitions } from '../../src/rights/requests/request-lifecycle.ts';
import { reminderDue } from '../../src/rights/requests/request-reminders-job.ts';
import { requestStatuses } from '../../src/rights/requests/request-types.ts';

describe('request deadlines (Art. 12(3))', () => {
  it('is the same day next month, at the end of that day', () => {
    expect(dueDateOf('2026-03-02T10:00:00.000Z')).toBe('2026-04-02T23:59:59.999Z');
    expect(dueDateOf('2026-12-15T08:00:00.000Z')).toBe('2027-01-15T23:59:59.999Z');
  });

  it('is the last day of next month when that month has no such day', () => {
    expect(dueDateOf('2026-01-31T09:30:00.000Z')).toBe('2026-02-28T23:59:59.999Z');
    expect(dueDateOf('2026-03-31T09:30:00.000Z')).toBe('2026-04-30T23:59:59.999Z');
    expect(dueDateOf('2026-01-29T00:00:00.000Z')).toBe('2026-02-28T23:59:59.999Z');
  });

  it('counts 29 February in leap years', () => {
    expect(dueDateOf('2028-01-31T09:30:00.000Z')).toBe('2028-02-29T23:59:59.999Z');
    expect(dueDateOf('2028-02-29T09:30:00.000Z')).toBe('2028-03-29T23:59:59.999Z');
    expect(periodEnd('2027-11-30T09:30:00.000Z', 3)).toBe('2028-02-29T23:59:59.999Z');
  });

  it('never ends before receipt and always falls in the month `months` later (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 3 }),
        (d, m) => {
          const start = d.toISOString();
          const end = new Date(periodEnd(start, m));
          expect(end.getTime()).toBeGreaterThan(d.getTime());
          const monthsApart =
            (end.getUTCFullYear() - d.getUTCFullYear()) * 12 + end.getUTCMonth() - d.getUTCMonth();
          expect(monthsApart).toBe(m);
          expect(end.getUTCDate()).toBeLessThanOrEqual(d.getUTCDate());
        },
      ),
    );
  });

  const r = {
    receivedAt: '2026-01-31T10:00:00.000Z',
    originalDueAt: '2026-02-28T23:59:59.999Z',
    dueAt: '2026-02-28T23:59:59.999Z',
  };

  it('extends by one or two months counted from receipt', () => {
    expect(extendedDueDate(r, 2, 'many requests', new Date('2026-02-10T00:00:00Z'))).toBe(
      '2026-04-30T23:59:59.999Z',
    );
    expect(extendedDueDate(r, 1, 'complex', new Date('2026-02-28T23:00:00Z'))).toBe(
      '2026-03-31T23:59:59.999Z',
    );
  });

  it('refuses an extension after the first month, beyond three months, or without a reason', () => {
    expect(() => extendedDueDate(r, 1, 'late', new Date('2026-03-01T00:00:00Z'))).toThrow(
      expect.objectContaining({
        code: 'REQUEST_EXTENSION_REFUSED',
        details: expect.objectContaining({ rule: 'first_month' }),
      }),
    );
    const once = { ...r, dueAt: '2026-03-31T23:59:59.999Z' };
    expect(() => extendedDueDate(once, 2, 'more', new Date('2026-02-10T00:00:00Z'))).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ rule: 'three_months' }) }),
    );
    expect(extendedDueDate(once, 1, 'more', new Date('2026-02-10T00:00:00Z'))).toBe(
      '2026-04-30T23:59:59.999Z',
    );
    expect(() => extendedDueDate(r, 3, 'x', new Date('2026-02-10T00:00:00Z'))).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ rule: 'months' }) }),
    );
    expect(() => extendedDueDate(r, 1, '  ', new Date('2026-02-10T00:00:00Z'))).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ rule: 'reason' }) }),
    );
  });

  it('shows on_track, due_soon within 7 days, overdue past the deadline, closed once final', () => {
    const due = '2026-04-02T23:59:59.999Z';
    expect(slaOf(false, due, new Date('2026-03-20T00:00:00Z'))).toBe('on_track');
    expect(slaOf(false, due, new Date('2026-03-27T00:00:00Z'))).toBe('due_soon');
    expect(slaOf(false, due, new Date('2026-04-03T00:00:00Z'))).toBe('overdue');
    expect(slaOf(true, due, new Date('2026-04-03T00:00:00Z'))).toBe('closed');
  });
});

describe('request lifecycle', () => {
  it('keeps final statuses final', () => {
    for (const from of ['completed', 'refused', 'cancelled'] as const) {
      for (const to of requestStatuses)
        expect(() => assertTransition(from, to, 'r')).toThrow(
          expect.objectContaining({ code: 'REQUEST_TRANSITION_REFUSED' }),
        );
    }
  });

  it('never reaches in progress or completed before identity is verified', () => {
    for (const from of ['received', 'identity_unverified'] as const) {
      expect(requestTransitions[from]).not.toContain('completed');
      expect(requestTransitions[from]).not.toContain('in_progress');
      expect(() => assertTransition(from, 'completed')).toThrow(
        expect.objectContaining({ code: 'REQUEST_TRANSITION_REFUSED' }),
      );
    }
  });

  it('needs a reason to refuse', () => {
    expect(() => assertTransition('verified', 'refused')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => assertTransition('verified', 'refused', 'manifestly unfounded')).not.toThrow();
  });
});

describe('reminder moments', () => {
  const due = '2026-04-02T23:59:59.999Z';
  it('sends 7 days before, 2 days before and when overdue, once each, most urgent first', () => {
    expect(reminderDue(due, new Date('2026-03-25T00:00:00Z'), new Set())).toBeNull();
    expect(reminderDue(due, new Date('2026-03-27T00:00:00Z'), new Set())?.kind).toBe('due_7d');
    expect(reminderDue(due, new Date('2026-03-28T00:00:00Z'), new Set(['due_7d']))).toBeNull();
    expect(reminderDue(due, new Date('2026-04-01T00:00:00Z'), new Set(['due_7d']))?.kind).toBe('due_2d');
    expect(reminderDue(due, new Date('2026-04-03T00:00:00Z'), new Set(['due_7d', 'due_2d']))?.kind).toBe(
      'overdue',
    );
    expect(
      reminderDue(due, new Date('2026-04-09T00:00:00Z'), new Set(['due_7d', 'due_2d', 'overdue'])),
    ).toBeNull();
  });
});
