import { validatePersonInput } from '../../kernel/people/person-input.ts';
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
export type ImportRowValidator = (values: ImportValues) => { readonly values: ImportValues; readonly problems: readonly FieldProblem[] };

/** A row ready to be written, or its rejections. */
export type CheckedRow =
  | { readonly ok: true; readonly row: number; readonly values: ImportValues }
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
  return { ok: true, row, values: checked.values };
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
    const result = validatePersonInput(values, { mode: 'create', ...(defaultCountry ? { defaultCountry } : {}) });
    if (result.ok) {
      const clean: ImportValues = {};
      for (const field of importFields) {
        const v = result.value[field];
        if (typeof v === 'string') clean[field] = v;
      }
      return { values: clean, problems: [] };
    }
    return {
      values,
      problems: result.errors.map((e) => {
        const field = importFields.find((f) => e.path === `/${f}` || e.path.startsWith(`/${f}/`));
        return { field: field ?? null, reason: e.message };
      }),
    };
  };
}
