import { AppError } from '../../errors.ts';

/** Every rule the detector knows, in display order. */
export const alertRuleKeys = [
  'bulk_export',
  'bulk_read',
  'out_of_hours',
  'failed_sign_ins_account',
  'failed_sign_ins_address',
  'privilege_escalation',
  'special_category_access',
  'token_new_address',
  'workspace_volume_spike',
] as const;
export type AlertRuleKey = (typeof alertRuleKeys)[number];

export const alertSeverities = ['low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

/** A volume rule: an hour's count above max(minimum, mean + deviations x sd) of the actor's usual active hours. */
export interface VolumeRule {
  readonly enabled: boolean;
  readonly severity: AlertSeverity;
  /** Floor of the threshold (records per hour): below it the rule never fires, whatever the baseline. */
  readonly minimum: number;
  /** How many standard deviations above the usual hourly mean count as unusual. */
  readonly deviations: number;
  /** Days of history the baseline is computed from. */
  readonly baselineDays: number;
}

/** A burst rule: `threshold` events within `windowMinutes`. */
export interface BurstRule {
  readonly enabled: boolean;
  readonly severity: AlertSeverity;
  readonly threshold: number;
  readonly windowMinutes: number;
}

/** A rule that fires on each matching event; repeats within `windowMinutes` group into one alert. */
export interface EventRule {
  readonly enabled: boolean;
  readonly severity: AlertSeverity;
  readonly windowMinutes: number;
}

export interface AlertRules {
  readonly bulk_export: VolumeRule;
  readonly bulk_read: VolumeRule;
  readonly out_of_hours: EventRule;
  readonly failed_sign_ins_account: BurstRule;
  readonly failed_sign_ins_address: BurstRule;
  readonly privilege_escalation: EventRule;
  readonly special_category_access: EventRule;
  readonly token_new_address: EventRule;
  readonly workspace_volume_spike: VolumeRule;
}

/** A workspace's detector settings (stored as one document, `alert_rule_sets`). */
export interface AlertRuleSet {
  /** IANA time zone the working hours are in (`Europe/Paris`). */
  readonly timezone: string;
  readonly workingHours: {
    /** `HH:MM`, local time, inclusive. */
    readonly start: string;
    /** `HH:MM`, local time, exclusive; may be before `start` for a night shift. */
    readonly end: string;
    /** ISO weekdays worked: 1 = Monday … 7 = Sunday. */
    readonly days: readonly number[];
  };
  /** Role keys whose users are emailed when an alert is raised. */
  readonly notifyRoles: readonly string[];
  readonly rules: AlertRules;
}

export const ruleKinds: Readonly<Record<AlertRuleKey, 'volume' | 'burst' | 'event'>> = {
  bulk_export: 'volume',
  bulk_read: 'volume',
  out_of_hours: 'event',
  failed_sign_ins_account: 'burst',
  failed_sign_ins_address: 'burst',
  privilege_escalation: 'event',
  special_category_access: 'event',
  token_new_address: 'event',
  workspace_volume_spike: 'volume',
};

/** What each rule watches, for people reading the settings. */
export const ruleDescriptions: Readonly<Record<AlertRuleKey, string>> = {
  bulk_export: 'Records exported by one user or token in an hour, above their usual volume',
  bulk_read: 'Records read or searched by one user or token in an hour, above their usual volume',
  out_of_hours: 'Personal data processed outside working hours',
  failed_sign_ins_account: 'Failed sign-ins on one account within the window',
  failed_sign_ins_address: 'Failed sign-ins from one client address within the window',
  privilege_escalation: 'A user given a role with more permissions, or a role given more permissions',
  special_category_access: 'Access to special-category (Art. 9) data',
  token_new_address: 'An API token used from an address it was never used from',
  workspace_volume_spike:
    'Records read, searched or exported (decrypted) in the whole workspace in an hour, above usual',
};

/** Private by default: everything on, thresholds a small team will not trip in normal work. */
export const defaultAlertRuleSet: AlertRuleSet = {
  timezone: 'UTC',
  workingHours: { start: '07:00', end: '20:00', days: [1, 2, 3, 4, 5] },
  notifyRoles: ['owner', 'privacy_officer'],
  rules: {
    bulk_export: { enabled: true, severity: 'high', minimum: 500, deviations: 3, baselineDays: 14 },
    bulk_read: { enabled: true, severity: 'medium', minimum: 2000, deviations: 3, baselineDays: 14 },
    out_of_hours: { enabled: true, severity: 'medium', windowMinutes: 720 },
    failed_sign_ins_account: { enabled: true, severity: 'medium', threshold: 5, windowMinutes: 15 },
    failed_sign_ins_address: { enabled: true, severity: 'high', threshold: 10, windowMinutes: 15 },
    privilege_escalation: { enabled: true, severity: 'high', windowMinutes: 1440 },
    special_category_access: { enabled: true, severity: 'medium', windowMinutes: 60 },
    token_new_address: { enabled: true, severity: 'medium', windowMinutes: 1440 },
    workspace_volume_spike: {
      enabled: true,
      severity: 'high',
      minimum: 10000,
      deviations: 4,
      baselineDays: 14,
    },
  },
};

interface FieldError {
  readonly path: string;
  readonly message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Checks a rule-set document and returns it complete (rules left out keep their defaults). Every problem is
 * collected and refused at once as `VALIDATION_FAILED`, each naming its field by JSON pointer.
 *
 * @example
 * const rules = checkAlertRuleSet({ ...defaultAlertRuleSet, timezone: 'Europe/Paris' }, ['owner', 'privacy_officer']);
 */
export function checkAlertRuleSet(input: unknown, knownRoles: readonly string[]): AlertRuleSet {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });
  if (!isObject(input))
    throw new AppError('VALIDATION_FAILED', {
      detail: 'The rule set must be an object',
      errors: [{ path: '', message: 'must be an object' }],
    });
  for (const key of Object.keys(input)) {
    if (!['timezone', 'workingHours', 'notifyRoles', 'rules'].includes(key))
      fail(`/${key}`, 'is not a setting');
  }
  const timezone = input.timezone ?? defaultAlertRuleSet.timezone;
  if (typeof timezone !== 'string' || timezone.length > 64 || !validTimezone(timezone))
    fail('/timezone', 'must be an IANA time zone such as Europe/Paris');

  const wh = input.workingHours ?? defaultAlertRuleSet.workingHours;
  if (!isObject(wh)) fail('/workingHours', 'must be an object with start, end and days');
  else {
    for (const key of Object.keys(wh))
      if (!['start', 'end', 'days'].includes(key)) fail(`/workingHours/${key}`, 'is not a setting');
    if (typeof wh.start !== 'string' || !hhmm.test(wh.start))
      fail('/workingHours/start', 'must be a time HH:MM');
    if (typeof wh.end !== 'string' || !hhmm.test(wh.end)) fail('/workingHours/end', 'must be a time HH:MM');
    if (typeof wh.start === 'string' && wh.start === wh.end)
      fail('/workingHours/end', 'must differ from start');
    if (
      !Array.isArray(wh.days) ||
      wh.days.length > 7 ||
      wh.days.some((d) => !Number.isInteger(d) || (d as number) < 1 || (d as number) > 7)
    ) {
      fail('/workingHours/days', 'must be a list of ISO weekdays 1 (Monday) to 7 (Sunday)');
    } else if (new Set(wh.days).size !== wh.days.length) fail('/workingHours/days', 'must not repeat a day');
  }

  const notifyRoles = input.notifyRoles ?? defaultAlertRuleSet.notifyRoles;
  if (!Array.isArray(notifyRoles) || notifyRoles.length > 20)
    fail('/notifyRoles', 'must be a list of at most 20 role keys');
  else {
    notifyRoles.forEach((r, i) => {
      if (typeof r !== 'string' || !knownRoles.includes(r))
        fail(`/notifyRoles/${i}`, 'is not a role of this workspace');
    });
    if (new Set(notifyRoles).size !== notifyRoles.length) fail('/notifyRoles', 'must not repeat a role');
  }

  const rulesIn = input.rules ?? {};
  const rules: Record<string, unknown> = {};
  if (!isObject(rulesIn)) fail('/rules', 'must be an object keyed by rule');
  else {
    for (const key of Object.keys(rulesIn))
      if (!(alertRuleKeys as readonly string[]).includes(key)) fail(`/rules/${key}`, 'is not a rule');
    for (const key of alertRuleKeys) {
      const given = rulesIn[key];
      const base = defaultAlertRuleSet.rules[key];
      if (given === undefined) {
        rules[key] = base;
        continue;
      }
      const path = `/rules/${key}`;
      if (!isObject(given)) {
        fail(path, 'must be an object');
        continue;
      }
      const merged: Record<string, unknown> = { ...base, ...given };
      const allowed = Object.keys(base);
      for (const k of Object.keys(given))
        if (!allowed.includes(k))
          fail(`${path}/${k}`, `is not a setting of this rule (allowed: ${allowed.join(', ')})`);
      if (typeof merged.enabled !== 'boolean') fail(`${path}/enabled`, 'must be true or false');
      if (!(alertSeverities as readonly unknown[]).includes(merged.severity))
        fail(`${path}/severity`, `must be one of ${alertSeverities.join(', ')}`);
      const integer = (k: string, min: number, max: number) => {
        const v = merged[k];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
          fail(`${path}/${k}`, `must be a whole number from ${min} to ${max}`);
      };
      const kind = ruleKinds[key];
      if (kind === 'volume') {
        integer('minimum', 1, 100_000_000);
        integer('baselineDays', 1, 90);
        const d = merged.deviations;
        if (typeof d !== 'number' || !Number.isFinite(d) || d < 0.5 || d > 20)
          fail(`${path}/deviations`, 'must be a number from 0.5 to 20');
      } else if (kind === 'burst') {
        integer('threshold', 2, 10_000);
        integer('windowMinutes', 1, 1440);
      } else {
        integer('windowMinutes', 1, 10_080);
      }
      rules[key] = merged;
    }
  }
  if (errors.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      detail: `${errors[0]?.path.slice(1)}: ${errors[0]?.message}`,
      errors,
    });
  }
  return {
    timezone: timezone as string,
    workingHours: wh as AlertRuleSet['workingHours'],
    notifyRoles: notifyRoles as string[],
    rules: rules as unknown as AlertRules,
  };
}
