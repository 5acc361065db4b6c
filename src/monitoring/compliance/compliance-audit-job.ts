import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Job } from '../../jobs/scheduler.ts';
import type { ComplianceService } from './compliance-service.ts';

/**
 * Daily, for every workspace: a compliance audit run (kept, scored, compared with the day before in the console).
 *
 * @example
 * const job = complianceAuditJob({ db: db.kysely, compliance: services.compliance });
 */
export function complianceAuditJob(
  deps: { db: Kysely<Database>; compliance: Pick<ComplianceService, 'run'> },
  intervalMs = 86_400_000,
): Job {
  return {
    name: 'compliance.audit',
    intervalMs,
    run: async () => {
      const workspaces = await deps.db.selectFrom('workspaces').select('id').orderBy('id').execute();
      for (const w of workspaces) {
        await deps.compliance.run(
          { workspaceId: w.id, actor: { type: 'system', id: 'compliance.audit' } },
          'schedule',
        );
      }
    },
  };
}
