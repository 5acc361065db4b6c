import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { InvolvedActor } from './incident-from-alert.ts';
import type { Art34Exemption, BreachNature, Level, ScopeOverride } from './incident-types.ts';

/** What a client may send to open or change an incident; left out = unchanged (or empty on create). */
export interface IncidentPatch {
  readonly title?: string;
  readonly occurredFrom?: string;
  readonly occurredTo?: string | null;
  readonly awareAt?: string;
  readonly nature?: readonly BreachNature[];
  readonly description?: string;
  readonly involvedActors?: readonly InvolvedActor[];
  readonly evidenceAuditSeqs?: readonly number[];
  readonly scopeOverride?: ScopeOverride | null;
  readonly consequences?: string;
  readonly measuresTaken?: string;
  readonly measuresProposed?: string;
  readonly adviceToPeople?: string;
  readonly likelihood?: Level | null;
  readonly severity?: Level | null;
  readonly art34Exemption?: Art34Exemption | null;
  readonly noNotificationReason?: string;
  readonly lateReason?: string;
}

/** A new incident: a title and the dates are required, the rest may follow. */
export type NewIncident = IncidentPatch & {
  readonly title: string;
  readonly occurredFrom: string;
  readonly awareAt: string;
};

/** `INCIDENT_DATES_INVALID` naming the field (JSON pointer) and the rule, never a value beyond the dates compared. */
export function datesProblem(path: string, message: string): AppError {
  return new AppError('INCIDENT_DATES_INVALID', {
    detail: `${path.slice(1)}: ${message}`,
    errors: [{ path, message }],
  });
}

/** `VALIDATION_FAILED` naming one field and the rule it broke. */
export function fieldProblem(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', {
    detail: `${path.slice(1)}: ${message}`,
    errors: [{ path, message }],
  });
}

const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** An ISO-8601 date-time with a zone, normalised to UTC with milliseconds; `INCIDENT_DATES_INVALID` otherwise. */
export function normaliseInstant(path: string, value: string): string {
  const m = isoPattern.exec(value);
  const ms = Date.parse(value);
  const [, y, mo, d, h, mi, se, oh, om] = m ?? [];
  // Date.parse rolls 2026-02-30 over to March: check the calendar fields themselves.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const valid =
    m !== null &&
    !Number.isNaN(ms) &&
    day.getUTCFullYear() === Number(y) &&
    day.getUTCMonth() === Number(mo) - 1 &&
    day.getUTCDate() === Number(d) &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(se ?? 0) < 60 &&
    Number(oh ?? 0) < 24 &&
    Number(om ?? 0) < 60;
  if (!valid) throw datesProblem(path, 'must be an ISO-8601 date-time with a time zone');
  return new Date(ms).toISOString();
}

/**
 * The Art. 33 dates must make sense: awareness not before the breach began, the end of the range not before its
 * start, nothing in the future.
 *
 * @example
 * checkIncidentDates({ occurredFrom, occurredTo: null, awareAt }, clock.now());
 */
export function checkIncidentDates(
  d: { occurredFrom: string; occurredTo: string | null; awareAt: string },
  now: Date,
): void {
  const nowIso = now.toISOString();
  if (d.occurredFrom > nowIso) throw datesProblem('/occurredFrom', 'is in the future');
  if (d.occurredTo !== null && d.occurredTo > nowIso) throw datesProblem('/occurredTo', 'is in the future');
  if (d.awareAt > nowIso) throw datesProblem('/awareAt', 'is in the future');
  if (d.occurredTo !== null && d.occurredTo < d.occurredFrom)
    throw datesProblem('/occurredTo', 'is before occurredFrom');
  if (d.awareAt < d.occurredFrom)
    throw datesProblem(
      '/awareAt',
      'is before occurredFrom: the organisation cannot become aware of a breach before it began',
    );
}

/** Involved accounts must be users or API tokens of this workspace. */
export async function checkInvolvedActors(
  db: Kysely<Database>,
  workspaceId: string,
  actors: readonly InvolvedActor[],
): Promise<void> {
  for (const [i, a] of actors.entries()) {
    const table = a.type === 'user' ? 'users' : 'api_tokens';
    const found = await db
      .selectFrom(table)
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', a.id)
      .executeTakeFirst();
    if (!found)
      throw fieldProblem(
        `/involvedActors/${i}/id`,
        `is not a ${a.type === 'user' ? 'user' : 'token'} of this workspace`,
      );
  }
}

/** A staff override of the numbers needs a reason and known categories. */
export function checkOverride(
  override: ScopeOverride | null | undefined,
  knownCategories: ReadonlySet<string>,
): void {
  if (!override) return;
  if (!override.reason.trim())
    throw fieldProblem('/scopeOverride/reason', 'must say why the computed numbers are overridden');
  override.categories?.forEach((c, i) => {
    if (!knownCategories.has(c))
      throw fieldProblem(`/scopeOverride/categories/${i}`, 'is not a category of the data catalogue');
  });
}
