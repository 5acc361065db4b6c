import type { Art34Exemption, Level } from './incident-types.ts';

/** `none`: unlikely to result in a risk; `risk`: tell the authority (Art. 33); `high`: also the people (Art. 34). */
export type RiskLevel = 'none' | 'risk' | 'high';

export interface RiskAssessment {
  /** Null until both likelihood and severity are set. */
  readonly level: RiskLevel | null;
  /** likelihood x severity (1-16), null until both are set. */
  readonly score: number | null;
  /** Art. 33: the authority must be told (true while not yet assessed: the safe default). */
  readonly authorityRequired: boolean;
  /** Art. 34: the people must be told (high risk and no Art. 34(3) exemption). */
  readonly peopleRequired: boolean;
  /** Art. 34(3)(c): a public communication replaces the individual letters. */
  readonly publicCommunication: boolean;
  /** Why, in words, for the register and the console. */
  readonly reasons: readonly string[];
}

/**
 * Risk to people's rights and freedoms from likelihood x severity, each on the 1-4 scale (EDPB guidelines 9/2022 and
 * the ENISA severity method, simplified): `high` when both are at least 3 or severity is 4 with likelihood 2 or more;
 * `none` when severity is 1, or severity 2 with likelihood 1; `risk` otherwise. Special-category data raises the
 * severity to at least 3 (EDPB 9/2022 §III.B: sensitive data makes harm likely severe).
 *
 * @example
 * assessRisk({ likelihood: 3, severity: 3, art34Exemption: null, specialData: false }).level; // 'high'
 */
export function assessRisk(input: {
  readonly likelihood: Level | null;
  readonly severity: Level | null;
  readonly art34Exemption: Art34Exemption | null;
  readonly specialData: boolean;
}): RiskAssessment {
  const { likelihood } = input;
  if (likelihood === null || input.severity === null) {
    return {
      level: null,
      score: null,
      authorityRequired: true,
      peopleRequired: false,
      publicCommunication: false,
      reasons: [
        'Not assessed yet: treated as notifiable to the authority until likelihood and severity are set.',
      ],
    };
  }
  const reasons: string[] = [];
  let severity = input.severity;
  if (input.specialData && severity < 3) {
    severity = 3;
    reasons.push('Special-category data is involved: severity raised to 3 (significant).');
  }
  const score = likelihood * severity;
  const level: RiskLevel =
    (likelihood >= 3 && severity >= 3) || (severity === 4 && likelihood >= 2)
      ? 'high'
      : severity === 1 || (severity === 2 && likelihood === 1)
        ? 'none'
        : 'risk';
  reasons.push(
    `Likelihood ${likelihood} x severity ${severity} = ${score}: ${level === 'high' ? 'high risk' : level === 'risk' ? 'a risk' : 'unlikely to result in a risk'}.`,
  );
  const authorityRequired = level !== 'none';
  reasons.push(
    authorityRequired
      ? 'Art. 33: notify the supervisory authority within 72 hours of awareness.'
      : 'Art. 33(1): no notification to the authority; record the reasons in the register.',
  );
  let peopleRequired = level === 'high';
  let publicCommunication = false;
  if (peopleRequired && input.art34Exemption) {
    if (input.art34Exemption === 'disproportionate_effort') {
      publicCommunication = true;
      reasons.push(
        'Art. 34(3)(c): individual letters would take disproportionate effort; a public communication informs the people instead.',
      );
    } else {
      reasons.push(
        input.art34Exemption === 'unintelligible'
          ? 'Art. 34(3)(a): the data was unintelligible to the recipient (encrypted); the people need not be told.'
          : 'Art. 34(3)(b): subsequent measures ensure the high risk no longer materialises; the people need not be told.',
      );
    }
    peopleRequired = false;
  } else if (peopleRequired) {
    reasons.push('Art. 34: high risk, tell the people concerned without undue delay.');
  }
  return { level, score, authorityRequired, peopleRequired, publicCommunication, reasons };
}
