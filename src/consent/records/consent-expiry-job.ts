import type { Db } from '../../db/database.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Job } from '../../jobs/scheduler.ts';
import type { ConsentService } from './consent-service.ts';

/** Expired consents marked per run at most (the next run goes on). */
const batchSize = 1_000;

/**
 * Marks lapsed consents: every record still `given` or `renewed` whose validity ended gets an `expired` event
 * (recorded by the system, audited), so that the record, the evidence export and the analytics say what the gate
 * already enforces. Returns how many were marked.
 *
 * @example
 * const marked = await expireConsents({ db, clock, consent });
 */
export async function expireConsents(deps: { readonly db: Db; readonly clock: Clock; readonly consent: Pick<ConsentService, 'record'> }): Promise<number> {
  const now = deps.clock.now().toISOString();
  const due = await deps.db.kysely
    .selectFrom('consent_records')
    .select(['workspace_id', 'person_id', 'purpose_key'])
    .where('state', 'in', ['given', 'renewed'])
    .where('expires_at', '<=', now)
    .limit(batchSize)
    .execute();
  for (const r of due) {
    await deps.consent.record(deps.db.kysely, { workspaceId: r.workspace_id, actor: { type: 'system', id: 'consent-expiry' } }, {
      personId: r.person_id,
      purpose: r.purpose_key,
      state: 'expired',
      method: 'system',
    });
  }
  return due.length;
}

/**
 * The scheduled job around `expireConsents` (hourly by default).
 *
 * @example
 * platformJobs: (deps) => consentExpiryJob({ db: deps.db, clock: deps.clock, consent: deps.services.consent }),
 */
export function consentExpiryJob(deps: { readonly db: Db; readonly clock: Clock; readonly consent: Pick<ConsentService, 'record'> }, intervalMs = 3_600_000): Job {
  return { name: 'consent.expiry', intervalMs, run: async () => void (await expireConsents(deps)) };
}
