import type { RequestBody, Success } from '../../api/api-types.ts';

/** A custom field definition as the API returns it. */
export type CustomField = Success<'/api/v1/custom-fields/{id}', 'get'>;
export type NewCustomField = RequestBody<'/api/v1/custom-fields', 'post'>;
export type CustomFieldEntity = CustomField['entity'];
export type CustomFieldType = CustomField['type'];
/** The custom values of one record, with the version to send back in `If-Match`. */
export type CustomValueSet = Success<'/api/v1/people/{id}/custom-fields', 'get'>;
export type CustomValue = CustomValueSet['values'][string];

/** Cache key of definitions and values. */
export const customFieldsQueryKey = ['custom-fields'] as const;

export const entityLabels: Record<CustomFieldEntity, string> = { person: 'People', organization: 'Organizations', deal: 'Deals' };

export const typeLabels: Record<CustomFieldType, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  select: 'Select',
  multi_select: 'Multi-select',
  boolean: 'Yes / no',
  url: 'URL',
  email: 'Email',
  phone: 'Phone',
};

/** The API path of a record's values. */
export function valuesPath(entity: CustomFieldEntity): '/api/v1/people/{id}/custom-fields' | '/api/v1/organizations/{id}/custom-fields' | '/api/v1/deals/{id}/custom-fields' {
  if (entity === 'person') return '/api/v1/people/{id}/custom-fields';
  return entity === 'organization' ? '/api/v1/organizations/{id}/custom-fields' : '/api/v1/deals/{id}/custom-fields';
}

/**
 * A value as shown in a read-only list.
 *
 * @example
 * formatCustomValue(['ai', 'ops']); // 'ai, ops'
 * formatCustomValue(true);          // 'Yes'
 */
export function formatCustomValue(value: CustomValue | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
