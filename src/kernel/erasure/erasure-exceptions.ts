import type { Holding } from './person-erasers.ts';

/** The Art. 17(3) exceptions Custodian can decide from the purpose register. */
export const erasureExceptions = {
  legal_obligation: 'Art. 17(3)(b): compliance with a legal obligation',
  public_task: 'Art. 17(3)(b): a task in the public interest or official authority',
  public_health: 'Art. 17(3)(c): public health',
  archiving: 'Art. 17(3)(d): archiving, research or statistics',
  legal_claims: 'Art. 17(3)(e): legal claims',
} as const;
export type ErasureException = keyof typeof erasureExceptions;

/** The facts of a purpose the decision needs. */
export interface PurposeFacts {
  readonly key: string;
  readonly lawfulBasis: string;
  readonly art9Condition: string | null;
  readonly legalClaims: boolean;
  /** ISO 8601 duration. */
  readonly retention: string;
}

/** A holding kept, with its reason (shown on the certificate: no personal data). */
export interface KeptHolding extends Holding {
  readonly eraser: string;
  readonly exception: ErasureException;
  readonly reason: string;
  /** When the retention expires and the kept data must go (ISO-8601 UTC). */
  readonly until: string;
}

const durationPattern = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;

/**
 * Adds an ISO 8601 date duration (`P10Y`, `P6M`, `P2W`, `P90D`) to a time, in UTC calendar arithmetic.
 * Returns undefined for anything else.
 *
 * @example
 * addIsoDuration('2025-01-31T00:00:00.000Z', 'P1M'); // '2025-02-28T00:00:00.000Z'
 */
export function addIsoDuration(at: string, duration: string): string | undefined {
  const m = durationPattern.exec(duration);
  if (!m || duration === 'P') return undefined;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return undefined;
  const [years, months, weeks, days] = [m[1], m[2], m[3], m[4]].map((v) => Number(v ?? 0)) as [number, number, number, number];
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCMonth(d.getUTCMonth() + months);
  // Same day next month, or the last day of that month (EU Reg. 1182/71 counting).
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  d.setUTCDate(d.getUTCDate() + weeks * 7 + days);
  return d.toISOString();
}

function exceptionOf(purpose: PurposeFacts): ErasureException | undefined {
  if (purpose.lawfulBasis === 'legal_obligation') return 'legal_obligation';
  if (purpose.lawfulBasis === 'public_task') return 'public_task';
  if (purpose.legalClaims) return 'legal_claims';
  if (purpose.art9Condition === 'public_health' || purpose.art9Condition === 'health_social_care') return 'public_health';
  if (purpose.art9Condition === 'archiving_research_statistics') return 'archiving';
  return undefined;
}

/**
 * Which holdings must be kept despite the erasure: those held under a purpose that carries an Art. 17(3) exception
 * (legal obligation, public task, legal claims, public health, archiving) whose retention, counted from the newest
 * record, has not expired yet. Everything else is erased. Pure.
 *
 * @example
 * decideKept('invoices', [{ category: 'user.financial', purpose: 'accounting', since: '2025-01-10T00:00:00.000Z', count: 3 }],
 *   new Map([['accounting', { key: 'accounting', lawfulBasis: 'legal_obligation', art9Condition: null, legalClaims: false, retention: 'P10Y' }]]),
 *   '2026-03-02T10:00:00.000Z');
 * // [{ …, exception: 'legal_obligation', until: '2035-01-10T00:00:00.000Z' }]
 */
export function decideKept(
  eraser: string,
  holdings: readonly Holding[],
  purposes: ReadonlyMap<string, PurposeFacts>,
  now: string,
): KeptHolding[] {
  const kept: KeptHolding[] = [];
  for (const h of holdings) {
    const purpose = purposes.get(h.purpose);
    if (!purpose) continue;
    const exception = exceptionOf(purpose);
    if (!exception) continue;
    const until = addIsoDuration(h.since, purpose.retention);
    if (!until || until <= now) continue;
    kept.push({
      ...h,
      eraser,
      exception,
      reason: `${erasureExceptions[exception]} (purpose ${purpose.key}, retention ${purpose.retention})`,
      until,
    });
  }
  return kept;
}
