/**
 * Tables of staff training and regulatory bulletins (migration 0080). Timestamps are ISO-8601 UTC text, booleans
 * 0/1, JSON as text. Nothing here is about data subjects: the people concerned are the workspace's own users.
 */
export interface TrainingTables {
  training_modules: TrainingModuleTable;
  training_module_versions: TrainingModuleVersionTable;
  training_rules: TrainingRuleTable;
  training_assignments: TrainingAssignmentTable;
  training_attempts: TrainingAttemptTable;
  training_reminders: TrainingReminderTable;
  bulletins: BulletinTable;
  bulletin_acknowledgements: BulletinAcknowledgementTable;
}

/** The current version of a training module; every version is also kept in `training_module_versions`. */
export interface TrainingModuleTable {
  id: string;
  workspace_id: string;
  /** Stable key of a starter module (`gdpr-principles`), null for modules written in the workspace. */
  starter_key: string | null;
  title: string;
  /** Markdown source, rendered and sanitised for display. */
  content: string;
  /** JSON array of questions: `{ id, text, options: [{ id, text, correct }] }`. */
  quiz: string;
  /** Percentage of questions answered right needed to pass (0–100). */
  pass_mark: number;
  /** Current version; attempts record the version they answered. */
  version: number;
  /** ISO 8601 duration after which a completion is re-assigned (`P12M`), or null for none. */
  refresher_interval: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

/** One version of a module as it was (append-only). */
export interface TrainingModuleVersionTable {
  workspace_id: string;
  module_id: string;
  version: number;
  /** JSON snapshot of title, content, quiz, pass mark and refresher interval. */
  snapshot: string;
  actor_type: string;
  actor_id: string | null;
  changed_at: string;
}

/** "Every user of role R takes module M within N days": makes assignments now and for users who join later. */
export interface TrainingRuleTable {
  id: string;
  workspace_id: string;
  module_id: string;
  role_id: string;
  /** Days a user has from assignment to completion. */
  due_days: number;
  created_at: string;
}

/** One user's obligation to complete one module by a date; a refresher is a new row. */
export interface TrainingAssignmentTable {
  id: string;
  workspace_id: string;
  module_id: string;
  user_id: string;
  /** Rule that made it (null once the rule is removed). */
  rule_id: string | null;
  assigned_at: string;
  due_at: string;
  /** When the user first passed (null while open). */
  completed_at: string | null;
  /** Best score in percent, null before any attempt. */
  best_score: number | null;
  /** Set when a refresher assignment replaced this one, so it is assigned once. */
  refreshed_at: string | null;
  /** For a refresher: when the assignment it renews was completed (the user stays trained until this one is overdue). */
  prior_completed_at: string | null;
}

/** One try at a module's quiz (append-only). */
export interface TrainingAttemptTable {
  id: string;
  workspace_id: string;
  assignment_id: string;
  module_id: string;
  user_id: string;
  /** Module version the answers refer to. */
  module_version: number;
  /** JSON object: question id → chosen option ids. */
  answers: string;
  score: number;
  passed: number;
  at: string;
}

/** The days a user was sent a reminder email: at most one a day. */
export interface TrainingReminderTable {
  workspace_id: string;
  user_id: string;
  /** UTC date `YYYY-MM-DD`. */
  sent_on: string;
}

/** A regulatory-update note from the DPO to chosen roles. */
export interface BulletinTable {
  id: string;
  workspace_id: string;
  title: string;
  /** Markdown source. */
  body: string;
  /** JSON array of role ids addressed. */
  role_ids: string;
  published_at: string;
  published_by_type: string;
  published_by_id: string | null;
}

/** A user's acknowledgement of having read a bulletin (append-only, one per user). */
export interface BulletinAcknowledgementTable {
  workspace_id: string;
  bulletin_id: string;
  user_id: string;
  acknowledged_at: string;
}
