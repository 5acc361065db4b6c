import { daysBefore, type CheckContext, type CheckFinding } from './compliance-check.ts';

/**
 * A finding when the named scheduled job has no succeeded run in the last `days` days.
 *
 * @example
 * const findings = await jobStale(ctx, 'consent.expiry', 2);
 */
export async function jobStale(ctx: CheckContext, name: string, days: number): Promise<CheckFinding[]> {
  const last = await ctx.db
    .selectFrom('job_runs')
    .select((eb) => eb.fn.max('finished_at').as('at'))
    .where('name', '=', name)
    .where('outcome', '=', 'succeeded')
    .executeTakeFirst();
  const at = (last?.at as string | null | undefined) ?? null;
  return at !== null && at >= daysBefore(ctx.now, days)
    ? []
    : [{ subject: `job:${name}`, evidence: { job: name, lastSucceededAt: at, withinDays: days } }];
}
