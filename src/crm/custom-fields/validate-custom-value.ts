import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CustomFieldType, CustomValue } from './custom-field-types.ts';

/** What a value is checked against: its type and, for selects, the options. */
export interface ValueRule {
  readonly type: CustomFieldType;
  readonly options: readonly string[];
}

/** The outcome of a check: the normalised value, or a message naming the rule (never the value). */
export type ValueCheck = { readonly ok: true; readonly value: CustomValue } | { readonly ok: false; readonly message: string };

const maxText = 2000;
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const emailSyntax = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

function validDate(value: string): boolean {
  const m = isoDate.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function httpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const fail = (message: string): ValueCheck => ({ ok: false, message });

/**
 * Checks a value against its field's type and returns it normalised: trimmed text, lower-case emails, E.164
 * phones, ISO dates (`YYYY-MM-DD`), http(s) URLs, options of the field (a multi-select's without repeats).
 *
 * @example
 * checkCustomValue({ type: 'phone', options: [] }, '+44 20 7946 0958'); // { ok: true, value: '+442079460958' }
 * checkCustomValue({ type: 'select', options: ['gold'] }, 'tin');        // { ok: false, message: 'not one of the options' }
 */
export function checkCustomValue(rule: ValueRule, value: unknown): ValueCheck {
  switch (rule.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { ok: true, value } : fail('must be a finite number');
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : fail('must be true or false');
    case 'multi_select': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return fail('must be a list of options');
      const unique = [...new Set(value as string[])];
      return unique.every((v) => rule.options.includes(v)) ? { ok: true, value: unique } : fail('holds a value that is not one of the options');
    }
    default:
      break;
  }
  if (typeof value !== 'string') return fail('must be a string');
  const text = value.trim();
  if (text === '' || text.length > maxText) return fail(`must hold 1 to ${maxText} characters`);
  switch (rule.type) {
    case 'text':
      return { ok: true, value: text };
    case 'date':
      return validDate(text) ? { ok: true, value: text } : fail('must be an ISO date (YYYY-MM-DD)');
    case 'select':
      return rule.options.includes(text) ? { ok: true, value: text } : fail('not one of the options');
    case 'url':
      return httpUrl(text) ? { ok: true, value: text } : fail('must be an http or https URL');
    case 'email':
      return emailSyntax.test(text) ? { ok: true, value: text.toLowerCase() } : fail('must be an email address');
    case 'phone': {
      const phone = parsePhoneNumberFromString(text);
      return phone?.isValid() ? { ok: true, value: phone.number } : fail('must be a phone number in international format (+…)');
    }
  }
}

/**
 * The strings a value is indexed and filtered by: one per option of a multi-select, the text form otherwise.
 *
 * @example
 * indexTermsOf(['gold', 'vip']); // ['gold', 'vip']
 * indexTermsOf(true);            // ['true']
 */
export function indexTermsOf(value: CustomValue): string[] {
  return Array.isArray(value) ? [...(value as readonly string[])] : [String(value)];
}
