import type { Category, LawfulBasis } from './purposes-query.ts';

/** The purpose form's values (everything a client can set). */
export interface PurposeFormValues {
  key: string;
  name: string;
  description: string;
  lawfulBasis: LawfulBasis | '';
  art9Condition: string;
  legitimateInterestAssessment: string;
  requiredCategories: string[];
  optionalCategories: string[];
  retention: string;
  recipients: string[];
  active: boolean;
  directMarketing: boolean;
  legalClaims: boolean;
}

/** Bases under which Art. 10 criminal-offence data may be processed (as the server checks). */
const criminalBases: readonly string[] = ['legal_obligation', 'public_task'];

const purposeKeyPattern = /^[a-z][a-z0-9_]{0,63}$/;
const isoDuration = /^P(?=\d)(\d{1,4}Y)?(\d{1,4}M)?(\d{1,4}W)?(\d{1,5}D)?$/;

/**
 * Checks the purpose form the way the server does (Art. 6 basis, Art. 9(2) condition when a chosen category is
 * special, LIA text for legitimate interests, Art. 10 bases, retention), so mistakes show before the round trip. The
 * server stays the authority: its problem document is shown too. Returns a message per field, or nothing.
 *
 * @example
 * purposeFormErrors({ ...values, lawfulBasis: 'legitimate_interests', legitimateInterestAssessment: '' }, categories);
 * // { legitimateInterestAssessment: 'Required for legitimate interests: …' }
 */
export function purposeFormErrors(
  values: PurposeFormValues,
  categories: readonly Category[],
  options: { creating: boolean },
): Partial<Record<keyof PurposeFormValues, string>> {
  const errors: Partial<Record<keyof PurposeFormValues, string>> = {};
  if (options.creating && !purposeKeyPattern.test(values.key)) {
    errors.key = 'Lower-case letters, digits and _ only, starting with a letter (at most 64)';
  }
  if (!values.name.trim()) errors.name = 'Enter a name';
  if (!values.lawfulBasis) errors.lawfulBasis = 'Choose the lawful basis';
  if (values.lawfulBasis === 'legitimate_interests' && !values.legitimateInterestAssessment.trim()) {
    errors.legitimateInterestAssessment =
      'Required for legitimate interests: the interest, why the processing is necessary, and the balancing test';
  }
  if (values.requiredCategories.length + values.optionalCategories.length === 0) {
    errors.requiredCategories = 'Name at least one data category';
  }
  if (values.requiredCategories.some((k) => values.optionalCategories.includes(k))) {
    errors.optionalCategories = 'A category cannot be both required and optional';
  }
  const byKey = new Map(categories.map((c) => [c.key, c]));
  const chosen = [...values.requiredCategories, ...values.optionalCategories].map((k) => byKey.get(k));
  if (chosen.some((c) => c?.special) && !values.art9Condition) {
    errors.art9Condition =
      'Required because a chosen category is special (Art. 9): choose the Art. 9(2) condition';
  }
  if (chosen.some((c) => c?.criminal) && values.lawfulBasis && !criminalBases.includes(values.lawfulBasis)) {
    errors.lawfulBasis = 'Criminal-offence data (Art. 10) needs legal obligation or public task';
  }
  const retention = values.retention.trim();
  const days = /^\d+$/.test(retention) ? Number(retention) : undefined;
  const valid =
    days !== undefined ? days >= 1 && days <= 36_500 : isoDuration.test(retention) && /[1-9]/.test(retention);
  if (!valid) {
    errors.retention = 'An ISO 8601 duration such as P2Y or P90D, or a number of days';
  }
  return errors;
}
