import type { Job } from '../../jobs/scheduler.ts';
import type { PrivacyPortal } from './privacy-portal.ts';

/**
 * Sends the portal's queued verification texts that failed after the answer (SMS gateway down: retried each minute,
 * five attempts) and its queued emails to requesters (request extended, completed, refused) shortly after the change
 * committed: every 15 seconds by default, once per period across server processes (the scheduler's lease), and each
 * row claimed by one sender only. Then deletes links expired for a day and verifications after 90 days.
 *
 * @example
 * platformJobs: (deps) => portalOutboxJob({ portal: deps.services.privacyPortal }),
 */
export function portalOutboxJob(
  deps: { readonly portal: Pick<PrivacyPortal, 'drainOutbox' | 'sweepExpired'> },
  intervalMs = 15_000,
): Job {
  return {
    name: 'portal.outbox',
    intervalMs,
    run: async () => {
      // Drain in batches until a batch comes back short.
      for (let round = 0; round < 10; round++) if ((await deps.portal.drainOutbox(50)) < 50) break;
      await deps.portal.sweepExpired();
    },
  };
}
