import { validatePersonInput, type CleanPersonInput, type InputError, type PersonInput } from './person-input.ts';

declare const validatedBrand: unique symbol;
/**
 * A clean create input that `validateForCreate` returned (frozen): both a clean input and an input any create takes
 * (its values are the normalised ones, which validate to themselves).
 */
export type ValidatedPersonInput = CleanPersonInput & PersonInput & { readonly [validatedBrand]: true };

/** Clean create inputs this module produced, frozen: nothing can have changed them since they were validated. */
const validated = new WeakSet<object>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * `validatePersonInput` in create mode, whose clean value comes back deep-frozen and remembered, so that the bulk
 * create (`people.createMany`) takes it as it is instead of validating and normalising it a second time (the importer
 * checks every row with these rules in its first pass; parsing a phone number is the costliest rule). Only the very
 * object returned is remembered: a copy, or any other input, is validated by `createMany` as before.
 *
 * @example
 * const r = validateForCreate({ lastName: 'Lovelace', phone: '020 7946 0958' }, 'GB');
 * if (r.ok) await people.createMany(ctx, [r.value], { source: 'import' }); // not validated again
 */
export function validateForCreate(
  input: PersonInput,
  defaultCountry?: string | null,
): { readonly ok: true; readonly value: ValidatedPersonInput } | { readonly ok: false; readonly errors: readonly InputError[] } {
  const result = validatePersonInput(input, { mode: 'create', ...(defaultCountry ? { defaultCountry } : {}) });
  if (!result.ok) return result;
  validated.add(deepFreeze(result.value));
  return { ok: true, value: result.value as ValidatedPersonInput };
}

/**
 * Whether `input` is a clean value `validateForCreate` returned (valid for a create under any default country: its
 * phones are already E.164).
 *
 * @example
 * isValidatedForCreate({ lastName: 'Lovelace' }); // false: not an object validateForCreate returned
 */
export function isValidatedForCreate(input: PersonInput): input is ValidatedPersonInput {
  return typeof input === 'object' && input !== null && validated.has(input);
}
