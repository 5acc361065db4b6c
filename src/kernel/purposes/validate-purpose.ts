import { AppError } from '../../errors.ts';
import { normaliseRetention } from '../catalogue/retention.ts';
import type { CategoryFacts } from '../gate/decide-processing.ts';
import { art9Conditions, lawfulBases, type Art9Condition, type LawfulBasis } from './purpose-types.ts';

/** The fields of a purpose as a client writes them (create: all required ones; the register fills defaults). */
export interface PurposeFields {
  readonly name: string;
  readonly description: string;
  readonly lawfulBasis: LawfulBasis;
  readonly art9Condition: Art9Condition | null;
  readonly legitimateInterestAssessment: string | null;
  readonly requiredCategories: readonly string[];
  readonly optionalCategories: readonly string[];
  readonly retention: string | number;
  readonly recipients: readonly string[];
  readonly active: boolean;
  readonly directMarketing: boolean;
  readonly legalClaims: boolean;
}

export interface FieldError {
  /** JSON pointer to the field (`/art9Condition`). */
  readonly path: string;
  readonly message: string;
}

/** Bases under which Art. 10 criminal-offence data may be processed. */
const criminalBases: readonly LawfulBasis[] = ['legal_obligation', 'public_task'];

/**
 * Checks a purpose against the rules of Art. 6, 9 and 10, given the flags of the categories it names (unknown
 * categories are missing from `facts`). Returns every problem, each naming its field.
 *
 * @example
 * const errors = purposeFieldErrors(fields, facts);
 * // [{ path: '/legitimateInterestAssessment', message: 'required when the lawful basis is legitimate_interests' }]
 */
export function purposeFieldErrors(
  fields: PurposeFields,
  facts: ReadonlyMap<string, CategoryFacts>,
): FieldError[] {
  const errors: FieldError[] = [];
  if (!fields.name.trim()) errors.push({ path: '/name', message: 'must not be blank' });
  if (!(lawfulBases as readonly string[]).includes(fields.lawfulBasis)) {
    errors.push({ path: '/lawfulBasis', message: `must be one of ${lawfulBases.join(', ')}` });
  }
  if (
    fields.art9Condition !== null &&
    !(art9Conditions as readonly string[]).includes(fields.art9Condition)
  ) {
    errors.push({ path: '/art9Condition', message: `must be one of ${art9Conditions.join(', ')}` });
  }
  if (fields.lawfulBasis === 'legitimate_interests' && !fields.legitimateInterestAssessment?.trim()) {
    errors.push({
      path: '/legitimateInterestAssessment',
      message: 'required when the lawful basis is legitimate_interests',
    });
  }
  if (fields.requiredCategories.length + fields.optionalCategories.length === 0) {
    errors.push({ path: '/requiredCategories', message: 'a purpose must name at least one data category' });
  }
  const named: CategoryFacts[] = [];
  for (const list of ['requiredCategories', 'optionalCategories'] as const) {
    fields[list].forEach((key, i) => {
      const found = facts.get(key);
      if (!found) errors.push({ path: `/${list}/${i}`, message: 'unknown data category' });
      else named.push(found);
    });
  }
  const overlap = fields.requiredCategories.filter((k) => fields.optionalCategories.includes(k));
  if (overlap.length > 0) {
    errors.push({ path: '/optionalCategories', message: 'a category cannot be both required and optional' });
  }
  if (named.some((c) => c.special) && fields.art9Condition === null) {
    errors.push({ path: '/art9Condition', message: 'required when a data category is special (Art. 9)' });
  }
  if (named.some((c) => c.criminal) && !criminalBases.includes(fields.lawfulBasis)) {
    errors.push({
      path: '/lawfulBasis',
      message: 'criminal-offence data (Art. 10) needs legal_obligation or public_task',
    });
  }
  if (normaliseRetention(fields.retention) === undefined) {
    errors.push({
      path: '/retention',
      message: 'must be an ISO 8601 duration such as P2Y or a number of days',
    });
  }
  return errors;
}

/** Throws `VALIDATION_FAILED` listing every field error, when there is any. */
export function assertPurposeValid(fields: PurposeFields, facts: ReadonlyMap<string, CategoryFacts>): void {
  const errors = purposeFieldErrors(fields, facts);
  if (errors.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      detail: `The purpose is not valid: ${errors.map((e) => e.path.slice(1)).join(', ')}`,
      errors,
    });
  }
}
