/** Tables of custom fields and saved views (migrations 0050_custom_fields, 0051_saved_views). */
export interface CustomFieldTables {
  custom_fields: CustomFieldTable;
  custom_field_values: CustomFieldValueTable;
  custom_value_sets: CustomValueSetTable;
  saved_views: SavedViewTable;
}

/** A custom field defined by a workspace on people, organizations or deals. */
export interface CustomFieldTable {
  id: string;
  workspace_id: string;
  /** `person`, `organization` or `deal`. */
  entity: string;
  /** Machine key, unique per entity (`loyalty_tier`); person fields are declared as `custom.<key>`. */
  key: string;
  label: string;
  /** `text`, `number`, `date`, `select`, `multi_select`, `boolean`, `url`, `email` or `phone`. */
  type: string;
  /** JSON array of the allowed options (selects), else `[]`. */
  options: string;
  /** 1 when a record must hold a value. */
  required: number;
  /** Display order, ascending. */
  position: number;
  /** 1 once archived: values kept, no new values. */
  archived: number;
  /** 1 when exact filtering is allowed (person fields: a blind index is kept). */
  filterable: number;
  /** Person fields: data category key; null for business fields. */
  category: string | null;
  /** Person fields: 1 when Art. 9 special category. */
  special: number;
  /** Person fields: `provided`, `observed`, `derived` or `inferred`. */
  source: string | null;
  /** Person fields: ISO 8601 duration. */
  retention: string | null;
  /** Person fields: JSON array of the purpose keys the field serves. */
  purposes: string;
  /** Optimistic concurrency: +1 on every change. */
  version: number;
  created_at: string;
  updated_at: string;
}

/** One value of one custom field on one record. Person values are ciphertexts under the person's key. */
export interface CustomFieldValueTable {
  workspace_id: string;
  entity: string;
  record_id: string;
  field_id: string;
  /** JSON of the value (organization and deal fields). */
  value_plain: string | null;
  /** Field-cipher envelope of the value's JSON (person fields), bound to table, field and person. */
  value_cipher: Buffer | null;
  updated_at: string;
}

/** The version counter of a record's custom values (the ETag of `GET …/:id/custom-fields`). */
export interface CustomValueSetTable {
  workspace_id: string;
  entity: string;
  record_id: string;
  version: number;
  updated_at: string;
}

/** A saved list view: filters, sort and columns, private to its owner or shared. */
export interface SavedViewTable {
  id: string;
  workspace_id: string;
  entity: string;
  name: string;
  /** JSON object, validated per entity. */
  filters: string;
  /** JSON `{ field, direction }` or null. */
  sort: string | null;
  /** JSON array of column keys. */
  columns: string;
  owner_user_id: string;
  shared: number;
  version: number;
  created_at: string;
  updated_at: string;
}
