/** Activities and their links (migration 0040). */
export interface ActivityTables {
  activities: ActivityTable;
  activity_links: ActivityLinkTable;
}

/** A note, call, meeting or email logged by hand. */
export interface ActivityTable {
  id: string;
  workspace_id: string;
  /** `note`, `call`, `meeting` or `email`. */
  type: string;
  /** The linked person whose data key encrypts the content (the first linked person); null: business data. */
  key_person_id: string | null;
  /** Subject and body encrypted under the key person's data key (when there is one). */
  subject_enc: Buffer | null;
  body_enc: Buffer | null;
  /** Subject and body of an activity about no person (business data, plain). */
  subject_text: string | null;
  body_text: string | null;
  occurred_at: string;
  duration_minutes: number | null;
  /** `in` or `out` (calls and emails). */
  direction: string | null;
  /** One of the fixed outcomes (`activityOutcomes`). */
  outcome: string | null;
  created_by_type: string;
  created_by_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A record an activity concerns; the timeline of that record lists it. */
export interface ActivityLinkTable {
  workspace_id: string;
  activity_id: string;
  /** `person`, `organization` or `deal`. */
  entity: string;
  record_id: string;
  /** Order in which the links were given (the first person is the key person). */
  position: number;
  /** The activity's `occurred_at`, copied for the timeline index. */
  occurred_at: string;
}
