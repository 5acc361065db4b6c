import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.ts';
import { checkAlertRuleSet, defaultAlertRuleSet } from '../../src/monitoring/alerts/alert-rules.ts';
import { baselineOf, volumeThreshold } from '../../src/monitoring/alerts/hourly-baseline.ts';
import { createWorkingHours } from '../../src/monitoring/alerts/working-hours.ts';

const roles = ['owner', 'privacy_officer', 'auditor'];

function pathsOf(input: unknown): string[] {
  try {
    checkAlertRuleSet(input, roles);
  } catch (error) {
    if (isAppError(error) && error.code === 'VALIDATION_FAILED')
      return (error.details.errors as { path: string }[]).map((e) => e.path);
    throw error;
  }
  return [];
}

describe('alert rule settings', () => {
  it('fills every rule left out with its default and keeps the ones given', () => {
    const set = checkAlertRuleSet({ rules: { bulk_export: { minimum: 50 } } }, roles);
    expect(set.rules.bulk_export).toEqual({ ...defaultAlertRuleSet.rules.bulk_export, minimum: 50 });
    expect(set.rules.failed_sign_ins_account).toEqual(defaultAlertRuleSet.rules.failed_sign_ins_account);
    expect(set.timezone).toBe('UTC');
  });

  it('names each malformed field and never passes a bad value through', () => {
    expect(pathsOf({ rules: { bulk_read: { deviations: Number.NaN } } })).toEqual([
      '/rules/bulk_read/deviations',
    ]);
    expect(pathsOf({ rules: { failed_sign_ins_address: { threshold: 1, windowMinutes: 0 } } })).toEqual([
      '/rules/failed_sign_ins_address/threshold',
      '/rules/failed_sign_ins_address/windowMinutes',
    ]);
    expect(pathsOf({ rules: { token_new_address: { severity: 'apocalyptic' } } })).toEqual([
      '/rules/token_new_address/severity',
    ]);
    expect(pathsOf({ workingHours: { start: '09:00', end: '09:00', days: [1, 1] } })).toEqual([
      '/workingHours/end',
      '/workingHours/days',
    ]);
    expect(pathsOf({ notifyRoles: ['owner', 'owner'] })).toEqual(['/notifyRoles']);
    expect(pathsOf({ colour: 'red' })).toEqual(['/colour']);
    expect(pathsOf('rules')).toEqual(['']);
  });

  it('accepts what it returns (a checked rule set checks again unchanged), whatever thresholds are chosen', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 2, max: 10_000 }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        (minimum, threshold, deviations) => {
          const set = checkAlertRuleSet(
            { rules: { bulk_export: { minimum, deviations }, failed_sign_ins_account: { threshold } } },
            roles,
          );
          expect(checkAlertRuleSet(JSON.parse(JSON.stringify(set)), roles)).toEqual(set);
        },
      ),
    );
  });
});

describe('working hours', () => {
  const paris = createWorkingHours({
    timezone: 'Europe/Paris',
    workingHours: { start: '08:00', end: '19:00', days: [1, 2, 3, 4, 5] },
  });

  it('reads the instant in the workspace time zone', () => {
    expect(paris(new Date('2026-03-02T07:30:00Z'))).toBe(true); // Monday 08:30 in Paris
    expect(paris(new Date('2026-03-02T06:30:00Z'))).toBe(false); // 07:30
    expect(paris(new Date('2026-03-06T22:30:00Z'))).toBe(false); // Friday 23:30
    expect(paris(new Date('2026-03-07T10:00:00Z'))).toBe(false); // Saturday
    expect(paris(new Date('2026-07-01T16:30:00Z'))).toBe(true); // 18:30 in summer time
    expect(paris(new Date('2026-07-01T17:30:00Z'))).toBe(false); // 19:30
  });

  it('counts an overnight shift to the day it starts on', () => {
    const nights = createWorkingHours({
      timezone: 'UTC',
      workingHours: { start: '22:00', end: '06:00', days: [5] },
    });
    expect(nights(new Date('2026-03-06T23:00:00Z'))).toBe(true); // Friday night
    expect(nights(new Date('2026-03-07T05:00:00Z'))).toBe(true); // Saturday early: Friday's shift
    expect(nights(new Date('2026-03-07T23:00:00Z'))).toBe(false); // Saturday night
    expect(nights(new Date('2026-03-06T05:00:00Z'))).toBe(false); // Friday early: Thursday's shift
  });
});

describe('hourly baselines', () => {
  it('is the minimum until three active hours are known, then max(minimum, mean + k sd)', () => {
    expect(volumeThreshold(baselineOf([400, 600]), { minimum: 10, deviations: 3 })).toBe(10);
    const b = baselineOf([40, 60, 50]);
    expect(b.mean).toBe(50);
    expect(volumeThreshold(b, { minimum: 10, deviations: 3 })).toBe(Math.ceil(50 + 3 * b.sd));
    expect(volumeThreshold(b, { minimum: 500, deviations: 3 })).toBe(500);
  });
});
