import type { LifecycleStage } from '../../kernel/people/person-fields.ts';
import type { PersonInput } from '../../kernel/people/person-input.ts';
import { validateForCreate, type ValidatedPersonInput } from '../../kernel/people/validated-person-input.ts';
import { importFields, type ImportField } from './import-mapping.ts';
import type { Rejection } from './import-jobs.ts';

/** The values of one row, by person field (blank cells left out). */
export type ImportValues = Partial<Record<ImportField, string>>;

/** A field-level problem found by the people validation rules (a reason code, never the value). */
export interface FieldProblem {
  /** The field, or null when the row as a whole breaks a rule. */
  readonly field: ImportField | null;
  readonly reason: string;
}

/**
 * The people rules applied to one row (the same as the API's): normalised values, or the problems found.
 * Provided by the people area so that import and API can never disagree.
 */
export type ImportRowValidator = (values: ImportValues) => {
  readonly values: ImportValues;
  readonly problems: readonly FieldProblem[];
  /** The person as the people area validated it, when it did (written as it is, not validated again). */
  readonly person?: ValidatedPersonInput;
};

/** A row ready to be written, or its rejections. */
export type CheckedRow =
  | { readonly ok: true; readonly row: number; readonly values: ImportValues; readonly person: PersonInput }
  | { readonly ok: false; readonly row: number; readonly rejections: readonly Rejection[] };

/**
 * Turns one CSV record into person values and checks them: the wrong number of columns, a row without any value,
 * and every problem the people rules find (named by the CSV header of its column).
 *
 * @example
 * checkRow(7, ['Ada', 'not-an-email'], { fields: ['firstName', 'email'], headers: ['Prénom', 'E-mail'] }, validate);
 * // { ok: false, row: 7, rejections: [{ row: 7, column: 'E-mail', reason: 'invalid_email' }] }
 */
export function checkRow(
  row: number,
  record: readonly string[],
  columns: { readonly fields: readonly (ImportField | null)[]; readonly headers: readonly string[] },
  validate: ImportRowValidator,
): CheckedRow {
  if (record.length !== columns.headers.length) {
    return { ok: false, row, rejections: [{ row, column: null, reason: 'wrong_column_count' }] };
  }
  const values: ImportValues = {};
  for (const [i, field] of columns.fields.entries()) {
    const cell = record[i]?.trim();
    if (field && cell) values[field] = cell;
  }
  if (Object.keys(values).length === 0) return { ok: false, row, rejections: [{ row, column: null, reason: 'no_value' }] };
  const checked = validate(values);
  if (checked.problems.length > 0) {
    const headerOf = (field: ImportField | null) => (field === null ? null : (columns.headers[columns.fields.indexOf(field)] ?? field));
    return { ok: false, row, rejections: checked.problems.map((p) => ({ row, column: headerOf(p.field), reason: p.reason })) };
  }
  return { ok: true, row, values: checked.values, person: checked.person ?? toPersonInput(checked.values) };
}

const addressParts = ['street', 'city', 'postalCode', 'region', 'country'] as const;

/**
 * A row's values as the people area takes them: tags split on `;` or `|`, the address parts gathered into one
 * address (country codes upper-cased).
 *
 * @example
 * toPersonInput({ firstName: 'Ada', tags: 'vip; event', city: 'London', country: 'gb' });
 * // { firstName: 'Ada', tags: ['vip', 'event'], address: { city: 'London', country: 'GB' } }
 */
export function toPersonInput(values: ImportValues): PersonInput {
  const { tags, lifecycleStage, street, city, postalCode, region, country, ...rest } = values;
  const address = { street, city, postalCode, region, country: country?.toUpperCase() };
  const hasAddress = addressParts.some((p) => values[p] !== undefined);
  return {
    ...rest,
    ...(lifecycleStage !== undefined ? { lifecycleStage: lifecycleStage.toLowerCase() as LifecycleStage } : {}),
    ...(tags !== undefined ? { tags: tags.split(/[;|]/).map((t) => t.trim()).filter(Boolean) } : {}),
    ...(hasAddress ? { address: Object.fromEntries(Object.entries(address).filter(([, v]) => v !== undefined)) } : {}),
  };
}

/**
 * The API's own rules (`validatePersonInput`) as an import row validator: values come back normalised (emails,
 * E.164 phones), problems name the field and the rule, never the value.
 *
 * @example
 * personRowValidator('GB')({ phone: '020 7946 0958' }).values.phone; // '+442079460958'
 */
export function personRowValidator(defaultCountry: string | null): ImportRowValidator {
  return (values) => {
    const result = validateForCreate(toPersonInput(values), defaultCountry);
    if (result.ok) {
      const v = result.value;
      const clean: ImportValues = {};
      for (const field of ['firstName', 'lastName', 'email', 'phone', 'jobTitle', 'notes', 'lifecycleStage'] as const) {
        const value = v[field];
        if (typeof value === 'string') clean[field] = value;
      }
      if (v.tags && v.tags.length > 0) clean.tags = v.tags.join(';');
      for (const part of addressParts) {
        const value = v.address?.[part];
        if (typeof value === 'string') clean[part] = value;
      }
      return { values: clean, problems: [], person: result.value };
    }
    return {
      values,
      problems: result.errors.map((e) => {
        const path = e.path.startsWith('/address/') ? `/${e.path.slice('/address/'.length)}` : e.path;
        const field = importFields.find((f) => path === `/${f}` || path.startsWith(`/${f}/`));
        return { field: field ?? null, reason: e.message };
      }),
    };
  };
}
