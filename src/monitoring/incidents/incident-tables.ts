/**
 * Tables of the incident and breach register (migration 0140_incidents). The register names no person: accounts
 * involved are user or token ids, affected people are counts and pseudonyms computed on demand from the audit log.
 */
export interface IncidentTables {
  incidents: IncidentTable;
  incident_timeline: IncidentTimelineTable;
}

/** One incident (Art. 33(5) register entry). The narrative and assessment live in `record` (JSON). */
export interface IncidentTable {
  id: string;
  workspace_id: string;
  /** Human reference, `INC-2026-0001`, unique per workspace. */
  reference: string;
  /** Optimistic concurrency: +1 on every change. */
  version: number;
  title: string;
  /** `open` or `closed`. */
  status: string;
  /** Start of the breach (ISO-8601 UTC). */
  occurred_from: string;
  /** End of the breach window when known (a range), else null. */
  occurred_to: string | null;
  /** When the organisation became aware: the 72-hour clock starts here. */
  aware_at: string;
  /** The alert the incident came from, if any. */
  alert_id: string | null;
  /** JSON of `IncidentRecord` (nature, scope, assessment, notifications, narrative). */
  record: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

/** One action on an incident (append-only). */
export interface IncidentTimelineTable {
  id: string;
  workspace_id: string;
  incident_id: string;
  /** When it happened (staff may record past actions). */
  at: string;
  /** When it was recorded. */
  recorded_at: string;
  actor_type: string;
  actor_id: string | null;
  /** `opened`, `updated`, `scope_computed`, `draft`, `notified_authority`, `notified_people`, `note`, `closed`, `export`. */
  kind: string;
  /** Free text from staff or a generated summary; never personal data from the system. */
  note: string;
}
