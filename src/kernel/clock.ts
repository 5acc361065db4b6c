/**
 * Time as a dependency: everything that computes a deadline or an expiry asks a Clock, so tests move time
 * instead of waiting.
 *
 * @example
 * const clock = createFixedClock('2026-01-01T00:00:00Z');
 * clock.advance(30 * 60_000);
 */
export interface Clock {
  now(): Date;
}

export interface FixedClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export const systemClock: Clock = { now: () => new Date() };

export function createFixedClock(start: Date | string = new Date()): FixedClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** ISO-8601 UTC with milliseconds: the one timestamp format stored in both databases (sorts as text). */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
