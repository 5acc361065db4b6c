import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breachClock } from '../../src/monitoring/incidents/breach-clock.ts';
import { assessRisk } from '../../src/monitoring/incidents/incident-assessment.ts';
import { checkIncidentDates, normaliseInstant } from '../../src/monitoring/incidents/incident-input.ts';
import type { Level } from '../../src/monitoring/incidents/incident-types.ts';

const hour = 3_600_000;
const aware = '2026-03-02T10:00:00.000Z';

describe('the 72-hour clock', () => {
  it('runs from awareness, turns overdue after exactly 72 hours, and needs late reasons from then on', () => {
    const at = (h: number) => new Date(Date.parse(aware) + h * hour);
    expect(
      breachClock({ awareAt: aware, authorityNotifiedAt: null, authorityRequired: true }, at(71)),
    ).toEqual({
      deadline: '2026-03-05T10:00:00.000Z',
      remainingMs: hour,
      state: 'running',
      lateReasonRequired: false,
    });
    expect(
      breachClock({ awareAt: aware, authorityNotifiedAt: null, authorityRequired: true }, at(72)).state,
    ).toBe('running');
    expect(
      breachClock({ awareAt: aware, authorityNotifiedAt: null, authorityRequired: true }, at(72.001)),
    ).toMatchObject({ state: 'overdue', lateReasonRequired: true });
    expect(
      breachClock(
        { awareAt: aware, authorityNotifiedAt: at(70).toISOString(), authorityRequired: true },
        at(100),
      ),
    ).toMatchObject({ state: 'met', remainingMs: null, lateReasonRequired: false });
    expect(
      breachClock(
        { awareAt: aware, authorityNotifiedAt: at(73).toISOString(), authorityRequired: true },
        at(100),
      ),
    ).toMatchObject({ state: 'late', lateReasonRequired: true });
    expect(
      breachClock({ awareAt: aware, authorityNotifiedAt: null, authorityRequired: false }, at(100)),
    ).toMatchObject({ state: 'not_required', lateReasonRequired: false });
  });
});

describe('the risk assessment', () => {
  const levels = fc.constantFrom<Level>(1, 2, 3, 4);

  it('decides whom to tell from likelihood x severity', () => {
    const level = (likelihood: Level, severity: Level) =>
      assessRisk({ likelihood, severity, art34Exemption: null, specialData: false }).level;
    expect(level(1, 1)).toBe('none');
    expect(level(4, 1)).toBe('none');
    expect(level(1, 2)).toBe('none');
    expect(level(2, 2)).toBe('risk');
    expect(level(1, 4)).toBe('risk');
    expect(level(2, 4)).toBe('high');
    expect(level(3, 3)).toBe('high');
    expect(level(2, 3)).toBe('risk');
  });

  it('never tells the people without telling the authority, and is monotone in both scales', () => {
    fc.assert(
      fc.property(levels, levels, fc.boolean(), (l, s, special) => {
        const a = assessRisk({ likelihood: l, severity: s, art34Exemption: null, specialData: special });
        if (a.peopleRequired) expect(a.authorityRequired).toBe(true);
        const rank = { none: 0, risk: 1, high: 2 } as const;
        const up = (x: Level): Level => (x === 4 ? 4 : ((x + 1) as Level));
        const higher = assessRisk({
          likelihood: up(l),
          severity: up(s),
          art34Exemption: null,
          specialData: special,
        });
        expect(rank[higher.level ?? 'none']).toBeGreaterThanOrEqual(rank[a.level ?? 'none']);
      }),
    );
  });

  it('raises the severity for special categories and applies the Art. 34(3) exemptions', () => {
    expect(assessRisk({ likelihood: 3, severity: 1, art34Exemption: null, specialData: true })).toMatchObject(
      { level: 'high', peopleRequired: true },
    );
    expect(
      assessRisk({ likelihood: 4, severity: 4, art34Exemption: 'unintelligible', specialData: false }),
    ).toMatchObject({
      level: 'high',
      authorityRequired: true,
      peopleRequired: false,
      publicCommunication: false,
    });
    expect(
      assessRisk({
        likelihood: 4,
        severity: 4,
        art34Exemption: 'disproportionate_effort',
        specialData: false,
      }),
    ).toMatchObject({ peopleRequired: false, publicCommunication: true });
    expect(
      assessRisk({ likelihood: null, severity: 2, art34Exemption: null, specialData: false }),
    ).toMatchObject({ level: null, authorityRequired: true });
  });
});

describe('incident dates', () => {
  it('accepts ISO date-times with a zone and normalises them to UTC', () => {
    expect(normaliseInstant('/x', '2026-03-02T12:00+02:00')).toBe('2026-03-02T10:00:00.000Z');
    expect(normaliseInstant('/x', '2026-03-02T10:00:00.5Z')).toBe('2026-03-02T10:00:00.500Z');
  });

  it('refuses impossible or zoneless dates with the field named', () => {
    for (const bad of [
      '2026-02-30T10:00:00Z',
      '2026-03-02T24:00:00Z',
      '2026-03-02T10:00:00',
      '2026-03-02',
      'soon',
      '2026-03-02T10:60Z',
    ]) {
      expect(() => normaliseInstant('/awareAt', bad), bad).toThrow(
        expect.objectContaining({
          code: 'INCIDENT_DATES_INVALID',
          details: expect.objectContaining({ errors: [{ path: '/awareAt', message: expect.any(String) }] }),
        }),
      );
    }
  });

  it('refuses awareness before occurrence, a range ending before it starts and anything in the future', () => {
    const now = new Date('2026-03-02T10:00:00.000Z');
    const ok = {
      occurredFrom: '2026-03-01T00:00:00.000Z',
      occurredTo: null,
      awareAt: '2026-03-02T09:00:00.000Z',
    };
    expect(() => checkIncidentDates(ok, now)).not.toThrow();
    expect(() => checkIncidentDates({ ...ok, awareAt: '2026-02-28T00:00:00.000Z' }, now)).toThrow(
      expect.objectContaining({ code: 'INCIDENT_DATES_INVALID' }),
    );
    expect(() => checkIncidentDates({ ...ok, occurredTo: '2026-02-28T00:00:00.000Z' }, now)).toThrow(
      expect.objectContaining({ code: 'INCIDENT_DATES_INVALID' }),
    );
    expect(() => checkIncidentDates({ ...ok, awareAt: '2026-03-02T10:00:00.001Z' }, now)).toThrow(
      expect.objectContaining({ code: 'INCIDENT_DATES_INVALID' }),
    );
    expect(() => checkIncidentDates({ ...ok, occurredTo: '2026-03-03T00:00:00.000Z' }, now)).toThrow(
      expect.objectContaining({ code: 'INCIDENT_DATES_INVALID' }),
    );
  });
});
