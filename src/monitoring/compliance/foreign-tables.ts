import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * The columns compliance checks, the dashboard and the auditor pack read from areas built beside this one (requests,
 * alerts, incidents, retention). Declared here, narrowly, so that monitoring reads them without importing those
 * areas' internals (features do not reach into each other); each read is guarded by the table's existence.
 */
export interface ForeignTables {
  requests: {
    id: string;
    workspace_id: string;
    reference: string;
    type: string;
    status: string;
    channel: string;
    received_at: string;
    original_due_at: string;
    due_at: string;
    extended_until: string | null;
    identity_verified_at: string | null;
    completed_at: string | null;
    closed_at: string | null;
  };
  alerts: {
    id: string;
    workspace_id: string;
    rule: string;
    severity: string;
    status: string;
    raised_at: string;
    hits: number;
  };
  retention_policies: {
    id: string;
    workspace_id: string;
    name: string;
    category: string | null;
    purpose_key: string | null;
    period: string;
    active: number;
  };
  retention_sweeps: {
    id: string;
    workspace_id: string;
    dry_run: number;
    status: string;
    started_at: string;
    finished_at: string | null;
    due: number;
    erased: number;
    anonymised: number;
    blocked: number;
    kept: number;
    failed: number;
  };
  incidents: {
    id: string;
    workspace_id: string;
    reference: string;
    title: string;
    status: string;
    occurred_from: string;
    aware_at: string;
    record: string;
    created_at: string;
    closed_at: string | null;
  };
}

/** The request statuses that end a request (src/rights/requests/request-types.ts). */
export const finalRequestStatusList = ['completed', 'refused', 'cancelled'] as const;

/**
 * The database seen with the foreign tables' columns.
 *
 * @example
 * const rows = await foreign(db).selectFrom('alerts').select('id').execute();
 */
export function foreign(db: Kysely<Database>): Kysely<ForeignTables> {
  return db as unknown as Kysely<ForeignTables>;
}

/** What an incident's JSON record says about notification (src/monitoring/incidents/incident-types.ts). */
export interface IncidentNotificationFacts {
  readonly authorityNotifiedAt: string | null;
  readonly peopleNotifiedAt: string | null;
  readonly noNotificationReason: string;
  readonly scope: { readonly people?: number | null; readonly records?: number | null } | null;
}

/**
 * Reads the notification facts of an incident record, tolerating a malformed one.
 *
 * @example
 * incidentFacts('{"authorityNotifiedAt":null}').authorityNotifiedAt; // null
 */
export function incidentFacts(record: string): IncidentNotificationFacts {
  try {
    const r = JSON.parse(record) as Partial<IncidentNotificationFacts>;
    return {
      authorityNotifiedAt: r.authorityNotifiedAt ?? null,
      peopleNotifiedAt: r.peopleNotifiedAt ?? null,
      noNotificationReason: r.noNotificationReason ?? '',
      scope: r.scope ?? null,
    };
  } catch {
    return { authorityNotifiedAt: null, peopleNotifiedAt: null, noNotificationReason: '', scope: null };
  }
}
