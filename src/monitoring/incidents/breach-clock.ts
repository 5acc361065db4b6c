/** Art. 33(1): the authority is notified within 72 hours of awareness. */
export const notificationWindowMs = 72 * 60 * 60 * 1000;

/** Where an incident stands against the 72-hour deadline. */
export interface BreachClock {
  /** `awareAt` + 72 h. */
  readonly deadline: string;
  /** Milliseconds left at `now` (negative once past); null once the authority was notified or none is due. */
  readonly remainingMs: number | null;
  /**
   * `running` (not yet notified, before the deadline), `overdue` (not notified, deadline passed), `met` (notified in
   * time), `late` (notified after the deadline), `not_required` (the assessment says the authority need not be told).
   */
  readonly state: 'running' | 'overdue' | 'met' | 'late' | 'not_required';
  /** True when a notification now (or the one made) is late, so Art. 33(1) reasons must accompany it. */
  readonly lateReasonRequired: boolean;
}

/**
 * The 72-hour clock of a breach, from awareness (not occurrence), against the injected clock's `now`.
 *
 * @example
 * breachClock({ awareAt: '2026-03-02T10:00:00.000Z', authorityNotifiedAt: null, authorityRequired: true }, new Date('2026-03-05T11:00:00Z'));
 * // { deadline: '2026-03-05T10:00:00.000Z', remainingMs: -3600000, state: 'overdue', lateReasonRequired: true }
 */
export function breachClock(
  facts: {
    readonly awareAt: string;
    readonly authorityNotifiedAt: string | null;
    readonly authorityRequired: boolean;
  },
  now: Date,
): BreachClock {
  const deadlineMs = Date.parse(facts.awareAt) + notificationWindowMs;
  const deadline = new Date(deadlineMs).toISOString();
  if (facts.authorityNotifiedAt !== null) {
    const late = Date.parse(facts.authorityNotifiedAt) > deadlineMs;
    return { deadline, remainingMs: null, state: late ? 'late' : 'met', lateReasonRequired: late };
  }
  if (!facts.authorityRequired)
    return { deadline, remainingMs: null, state: 'not_required', lateReasonRequired: false };
  const remainingMs = deadlineMs - now.getTime();
  return {
    deadline,
    remainingMs,
    state: remainingMs < 0 ? 'overdue' : 'running',
    lateReasonRequired: remainingMs < 0,
  };
}
