/** Tables of the people import (migration 0060_imports). No personal value is ever stored in them. */
export interface ImportTables {
  imports: ImportTable;
  import_rejections: ImportRejectionTable;
}

/** One import of a CSV file of people: its settings, progress and counts. */
export interface ImportTable {
  id: string;
  workspace_id: string;
  /** `pending` (no file yet), `running`, `interrupted` (stopped mid-way: resume it), `completed` or `failed`. */
  status: string;
  /** Purpose key the whole file is imported under (its lawful basis). */
  purpose: string;
  /** Provenance of every record of the file (`import`, `event`, `form`, …). */
  source: string;
  /** What a row whose email or phone already exists does: `skip`, `update` or `create`. */
  on_duplicate: string;
  /** JSON object: CSV header → person field (column names only, never values). */
  mapping: string;
  /** ISO 3166-1 alpha-2 country assumed for phone numbers written without an international prefix. */
  default_country: string | null;
  /** 1 when unmapped columns are ignored instead of refused. */
  ignore_unknown: number;
  /** SHA-256 (hex) of the header row: a resume must present the same columns. Null before the file is seen. */
  header_digest: string | null;
  /** Data rows of the file (known after the checking pass). */
  total_rows: number | null;
  /** Number of the last data row committed (1-based; 0 before the first batch). Resumption continues after it. */
  last_row: number;
  created_count: number;
  updated_count: number;
  /** Rows skipped because their email or phone already exists (policy `skip`). */
  skipped_count: number;
  /** Rows of erased or objecting people, not re-created. */
  suppressed_count: number;
  /** Rows refused by validation (listed in `import_rejections`). */
  rejected_count: number;
  /** Error code when the import failed or was interrupted (never a message that could hold values). */
  error_code: string | null;
  actor_type: string;
  actor_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** A rejected row of an import: where and why, never the value. */
export interface ImportRejectionTable {
  workspace_id: string;
  import_id: string;
  /** Data row number (1 = the first row after the header). */
  row_number: number;
  /** Header of the offending column, or null when the row as a whole is refused. */
  column_name: string | null;
  /** Short reason code (`invalid_email`, `wrong_column_count`, …). */
  reason: string;
}
