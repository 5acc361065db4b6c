/** Tasks (migration 0040). */
export interface TaskTables {
  tasks: TaskTable;
}

/** Something to do, assigned to a user, maybe about a record. */
export interface TaskTable {
  id: string;
  workspace_id: string;
  /** Title encrypted under the linked person's data key (task about a person). */
  title_enc: Buffer | null;
  /** Title of a task about no person (business data). */
  title_text: string | null;
  /** `person`, `organization`, `deal`, or null. */
  linked_entity: string | null;
  linked_id: string | null;
  /** User the task is assigned to. */
  assignee_id: string | null;
  /** `YYYY-MM-DD` (UTC). */
  due_date: string | null;
  /** `HH:MM` (UTC), only with a due date. */
  due_time: string | null;
  /** The instant the task falls overdue, ISO-8601 UTC; `9999-12-31T23:59:59.999Z` without a due date. */
  due_sort: string;
  /** `open`, `done` or `cancelled`. */
  status: string;
  /** `low`, `normal` or `high`. */
  priority: string;
  completed_at: string | null;
  /** When the task shows on its record's timeline (completion, else creation). */
  timeline_at: string;
  created_by_type: string;
  created_by_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}
