import type { SourceType } from '../../kernel/catalogue/catalogue-types.ts';

/** Records that can carry custom fields. */
export const customFieldEntities = ['person', 'organization', 'deal'] as const;
export type CustomFieldEntity = (typeof customFieldEntities)[number];

/** Value types of a custom field. */
export const customFieldTypes = ['text', 'number', 'date', 'select', 'multi_select', 'boolean', 'url', 'email', 'phone'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

/** A stored value: text, number, boolean, or a list of options (multi-select). */
export type CustomValue = string | number | boolean | readonly string[];

/** Machine key of a field: lower-case, digits and underscores. */
export const customFieldKeyPattern = '^[a-z][a-z0-9_]{0,39}$';

/** How a person field is classified (GDPR): required to create one. */
export interface PersonFieldClassification {
  /** Data category key from the catalogue. */
  readonly category: string;
  /** Art. 9 special category: must match the category's own flag. */
  readonly special: boolean;
  readonly source: SourceType;
  /** ISO 8601 duration or a number of days. */
  readonly retention: string | number;
  /** Purpose keys the field serves: each must cover the category (and hold an Art. 9 condition when special). */
  readonly purposes: readonly string[];
}

/** A custom field as the API shows it. */
export interface CustomFieldView {
  readonly id: string;
  readonly entity: CustomFieldEntity;
  readonly key: string;
  readonly label: string;
  readonly type: CustomFieldType;
  readonly options: string[];
  readonly required: boolean;
  readonly position: number;
  readonly archived: boolean;
  readonly filterable: boolean;
  /** Person fields only; null on business fields. */
  readonly classification: (Omit<PersonFieldClassification, 'retention' | 'purposes'> & { readonly retention: string; readonly purposes: string[] }) | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Catalogue attribute name of a person field (`custom.<key>`), also its blind-index field. */
export function personFieldAttribute(key: string): string {
  return `custom.${key}`;
}
