import countries from 'i18n-iso-countries';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { normaliseEmail, normalisePhone } from '../crypto/blind-index.ts';
import {
  lifecycleStages,
  provenanceFields,
  provenanceSources,
  type LifecycleStage,
  type PostalAddress,
  type ProvenanceField,
  type ProvenanceSource,
} from './person-fields.ts';

/** One email or phone as a caller gives it. */
export interface ContactPointInput {
  readonly value: string;
  readonly label?: string | null | undefined;
  readonly primary?: boolean | undefined;
}

/** Provenance as a caller gives it; `obtainedAt` defaults to now. */
export interface ProvenanceInput {
  readonly source: ProvenanceSource;
  readonly sourceDetail?: string | null | undefined;
  readonly obtainedAt?: string | undefined;
  readonly importId?: string | null | undefined;
}

/**
 * A person as a caller gives it (create or patch). On a patch, `undefined` leaves a value as it is and `null` removes
 * it. `email`/`phone` name the primary one: alone on a patch they replace the primary and keep the others; `emails`/
 * `phones` replace the whole list.
 */
export interface PersonInput {
  readonly firstName?: string | null | undefined;
  readonly lastName?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly emails?: readonly ContactPointInput[] | null | undefined;
  readonly phones?: readonly ContactPointInput[] | null | undefined;
  readonly jobTitle?: string | null | undefined;
  readonly address?: PostalAddress | null | undefined;
  readonly notes?: string | null | undefined;
  readonly organizationId?: string | null | undefined;
  readonly ownerUserId?: string | null | undefined;
  readonly lifecycleStage?: LifecycleStage | null | undefined;
  readonly tags?: readonly string[] | null | undefined;
  /** Record-level provenance (on create), or the provenance of the values this patch changes. */
  readonly provenance?: ProvenanceInput | undefined;
  /** Provenance of single fields where it differs from the record's. */
  readonly fieldProvenance?: Partial<Record<ProvenanceField, ProvenanceInput>> | undefined;
}

/** A contact point after validation: value normalised (E.164 for phones), exactly one primary in a non-empty list. */
export interface CleanContactPoint {
  readonly value: string;
  readonly label: string | null;
  readonly primary: boolean;
}

export interface CleanProvenance {
  readonly source: ProvenanceSource;
  readonly sourceDetail: string | null;
  readonly obtainedAt: string | null;
  readonly importId: string | null;
}

/** The same input, validated and normalised. Absent keys stay absent. */
export interface CleanPersonInput {
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly emails?: readonly CleanContactPoint[];
  readonly phones?: readonly CleanContactPoint[];
  readonly jobTitle?: string | null;
  readonly address?: PostalAddress | null;
  readonly notes?: string | null;
  readonly organizationId?: string | null;
  readonly ownerUserId?: string | null;
  readonly lifecycleStage?: LifecycleStage | null;
  readonly tags?: readonly string[];
  readonly provenance?: CleanProvenance;
  readonly fieldProvenance?: Partial<Record<ProvenanceField, CleanProvenance>>;
}

/** A rule a value broke: the JSON pointer of the field and the rule, never the value. */
export interface InputError {
  readonly path: string;
  readonly message: string;
  /** A stable code of the rule (`invalid_email`, `invalid_phone`, `too_long`…), for import reports. */
  readonly reason: string;
}

export type PersonInputResult = { readonly ok: true; readonly value: CleanPersonInput } | { readonly ok: false; readonly errors: readonly InputError[] };

export interface PersonInputOptions {
  /** Country assumed for phones written without an international prefix. */
  readonly defaultCountry?: string | undefined;
  /** `create`: null means nothing; at least one personal value. `patch`: null removes. */
  readonly mode: 'create' | 'patch';
}

const limits = { name: 200, jobTitle: 200, notes: 10_000, addressPart: 200, label: 40, tag: 50, tags: 50, points: 20, detail: 500, id: 64 } as const;

// Local part without blanks or the characters RFC 5322 reserves; a domain of letter/digit labels and a TLD.
const emailPattern = /^[^\s@"(),:;<>[\]\\]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}$/u;
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Email normalised for storage: NFKC, trimmed, domain lower-cased (the local part keeps its case, as RFC 5321 allows
 * it to matter); `undefined` when the syntax is wrong.
 *
 * @example
 * cleanEmail(' Ada@Example.COM ') // 'Ada@example.com'
 */
export function cleanEmail(value: string): string | undefined {
  const text = value.normalize('NFKC').trim();
  if (text.length > 254 || !emailPattern.test(text)) return undefined;
  const at = text.lastIndexOf('@');
  return `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}`;
}

/**
 * Phone in E.164 (`libphonenumber-js`), or `undefined` when it cannot be one: unparseable, or a length no number of
 * that country has. Numbering-plan validity is not required: the metadata lags new allocations, and refusing a real
 * number is worse than keeping a possible one. A number without `+` or `00` needs the default country.
 *
 * @example
 * cleanPhone('020 7946 0958', 'GB') // '+442079460958'
 */
export function cleanPhone(value: string, defaultCountry?: string): string | undefined {
  const text = normalisePhone(value);
  if (text.length < 3 || text.length > 20 || /[^0-9+ ().\-/]/.test(value.normalize('NFKC').trim())) return undefined;
  const parsed = parsePhoneNumberFromString(text, defaultCountry as CountryCode | undefined);
  return parsed?.isPossible() ? parsed.number : undefined;
}

/**
 * Validates and normalises a person as the API, the CLI and the importer receive it. Nothing is thrown: errors name
 * the field and the rule, never the value, so the importer can reject a row with the API's own rules.
 *
 * @example
 * const r = validatePersonInput({ lastName: 'Lovelace', phone: '020 7946 0958' }, { mode: 'create', defaultCountry: 'GB' });
 * if (r.ok) r.value.phone; // '+442079460958'
 */
export function validatePersonInput(input: PersonInput, options: PersonInputOptions): PersonInputResult {
  const errors: InputError[] = [];
  const out: Record<string, unknown> = {};
  const creating = options.mode === 'create';
  const fail = (path: string, message: string, reason: string): undefined => {
    errors.push({ path, message, reason });
    return undefined;
  };

  const text = (key: 'firstName' | 'lastName' | 'jobTitle' | 'notes', max: number) => {
    const v = input[key];
    if (v === undefined || (v === null && creating)) return;
    if (v === null) {
      out[key] = null;
      return;
    }
    if (typeof v !== 'string') return fail(`/${key}`, 'must be a string', 'not_a_string');
    const clean = v.normalize('NFC').trim();
    if (clean === '') return fail(`/${key}`, 'must not be blank', 'blank');
    if (clean.length > max) return fail(`/${key}`, `must be at most ${max} characters`, 'too_long');
    out[key] = clean;
    return;
  };
  text('firstName', limits.name);
  text('lastName', limits.name);
  text('jobTitle', limits.jobTitle);
  text('notes', limits.notes);

  const cleanPoint = (kind: 'email' | 'phone', raw: string, path: string): string | undefined => {
    if (typeof raw !== 'string') return fail(path, 'must be a string', 'not_a_string');
    const clean = kind === 'email' ? cleanEmail(raw) : cleanPhone(raw, options.defaultCountry);
    return clean ?? fail(path, kind === 'email' ? 'is not a valid email address' : 'is not a valid phone number (E.164 or national with a default country)', kind === 'email' ? 'invalid_email' : 'invalid_phone');
  };

  for (const kind of ['email', 'phone'] as const) {
    const listKey = kind === 'email' ? 'emails' : 'phones';
    const single = input[kind];
    if (single !== undefined && !(single === null && creating)) {
      out[kind] = single === null ? null : cleanPoint(kind, single, `/${kind}`);
    }
    const list = input[listKey];
    if (list === undefined || (list === null && creating)) continue;
    const points = list ?? [];
    if (!Array.isArray(points)) {
      fail(`/${listKey}`, 'must be an array', 'not_an_array');
      continue;
    }
    if (points.length > limits.points) {
      fail(`/${listKey}`, `must hold at most ${limits.points} values`, 'too_many');
      continue;
    }
    const cleaned: CleanContactPoint[] = [];
    const seen = new Set<string>();
    points.forEach((p, i) => {
      const value = cleanPoint(kind, p.value, `/${listKey}/${i}/value`);
      const label = p.label === undefined || p.label === null ? null : String(p.label).trim() || null;
      if (label !== null && label.length > limits.label) fail(`/${listKey}/${i}/label`, `must be at most ${limits.label} characters`, 'too_long');
      if (value === undefined) return;
      const key = kind === 'email' ? normaliseEmail(value) : value;
      if (seen.has(key)) {
        fail(`/${listKey}/${i}/value`, 'is given twice', 'duplicate');
        return;
      }
      seen.add(key);
      cleaned.push({ value, label, primary: p.primary === true });
    });
    const primaries = cleaned.filter((p) => p.primary).length;
    if (primaries > 1) fail(`/${listKey}`, 'must have at most one primary value', 'two_primaries');
    const withPrimary = primaries === 0 ? cleaned.map((p, i) => ({ ...p, primary: i === 0 })) : cleaned;
    // The primary comes first: the list is shown in that order.
    out[listKey] = [...withPrimary.filter((p) => p.primary), ...withPrimary.filter((p) => !p.primary)];
    const primary = withPrimary.find((p) => p.primary)?.value ?? null;
    if (typeof out[kind] === 'string' || out[kind] === null) {
      const same = kind === 'email' ? normaliseEmail(String(out[kind] ?? '')) === normaliseEmail(primary ?? '') : out[kind] === primary;
      if (!same) fail(`/${kind}`, `must be the primary value of ${listKey} when both are given`, 'primary_mismatch');
    }
    out[kind] = primary;
  }

  if (input.address !== undefined && !(input.address === null && creating)) {
    if (input.address === null) out.address = null;
    else if (typeof input.address !== 'object' || Array.isArray(input.address)) fail('/address', 'must be an object', 'not_an_object');
    else {
      const address: Record<string, string | null> = {};
      for (const part of ['street', 'city', 'postalCode', 'region', 'country'] as const) {
        const v = input.address[part];
        if (v === undefined || v === null) continue;
        if (typeof v !== 'string') {
          fail(`/address/${part}`, 'must be a string', 'not_a_string');
          continue;
        }
        const clean = v.normalize('NFC').trim();
        if (clean === '') continue;
        if (clean.length > limits.addressPart) fail(`/address/${part}`, `must be at most ${limits.addressPart} characters`, 'too_long');
        else if (part === 'country' && !(/^[A-Z]{2}$/.test(clean) && countries.isValid(clean))) fail('/address/country', 'must be an ISO 3166-1 alpha-2 code', 'invalid_country');
        else address[part] = clean;
      }
      out.address = Object.keys(address).length > 0 ? address : null;
    }
  }

  for (const key of ['organizationId', 'ownerUserId'] as const) {
    const v = input[key];
    if (v === undefined || (v === null && creating)) continue;
    if (v !== null && (typeof v !== 'string' || v.trim() === '' || v.length > limits.id)) fail(`/${key}`, `must be an id of at most ${limits.id} characters`, 'invalid_id');
    else out[key] = v;
  }
  if (input.lifecycleStage !== undefined && !(input.lifecycleStage === null && creating)) {
    const v = input.lifecycleStage;
    if (v !== null && !(lifecycleStages as readonly string[]).includes(v)) fail('/lifecycleStage', `must be one of ${lifecycleStages.join(', ')}`, 'unknown_stage');
    else out.lifecycleStage = v;
  }
  if (input.tags !== undefined && !(input.tags === null && creating)) {
    const tags = input.tags ?? [];
    if (!Array.isArray(tags) || tags.length > limits.tags) fail('/tags', `must be an array of at most ${limits.tags} tags`, 'too_many');
    else {
      const clean = new Set<string>();
      tags.forEach((t, i) => {
        const tag = typeof t === 'string' ? t.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim() : '';
        if (tag === '' || tag.length > limits.tag) fail(`/tags/${i}`, `must be 1 to ${limits.tag} characters`, 'invalid_tag');
        else clean.add(tag);
      });
      out.tags = [...clean].sort();
    }
  }

  const provenance = (p: ProvenanceInput, path: string): CleanProvenance | undefined => {
    if (typeof p !== 'object' || p === null) return fail(path, 'must be an object', 'not_an_object');
    if (!(provenanceSources as readonly string[]).includes(p.source)) return fail(`${path}/source`, `must be one of ${provenanceSources.join(', ')}`, 'unknown_source');
    const detail = typeof p.sourceDetail === 'string' ? p.sourceDetail.trim() || null : null;
    if (detail !== null && detail.length > limits.detail) return fail(`${path}/sourceDetail`, `must be at most ${limits.detail} characters`, 'too_long');
    if (p.obtainedAt !== undefined && (typeof p.obtainedAt !== 'string' || !isoInstant.test(p.obtainedAt) || Number.isNaN(Date.parse(p.obtainedAt)))) {
      return fail(`${path}/obtainedAt`, 'must be an ISO-8601 date-time', 'invalid_date');
    }
    const importId = typeof p.importId === 'string' ? p.importId : null;
    if (importId !== null && importId.length > limits.id) return fail(`${path}/importId`, `must be at most ${limits.id} characters`, 'too_long');
    return { source: p.source, sourceDetail: detail, obtainedAt: p.obtainedAt === undefined ? null : new Date(p.obtainedAt).toISOString(), importId };
  };
  if (input.provenance !== undefined) out.provenance = provenance(input.provenance, '/provenance');
  if (input.fieldProvenance !== undefined) {
    const fields: Partial<Record<ProvenanceField, CleanProvenance>> = {};
    for (const [field, p] of Object.entries(input.fieldProvenance)) {
      if (!(provenanceFields as readonly string[]).includes(field)) {
        fail(`/fieldProvenance/${field.slice(0, 40)}`, `must be one of ${provenanceFields.join(', ')}`, 'unknown_field');
        continue;
      }
      if (p === undefined) continue;
      const clean = provenance(p, `/fieldProvenance/${field}`);
      if (clean) fields[field as ProvenanceField] = clean;
    }
    out.fieldProvenance = fields;
  }

  if (errors.length > 0) return { ok: false, errors };
  const personal = ['firstName', 'lastName', 'email', 'phone', 'jobTitle', 'address', 'notes'];
  if (creating && !personal.some((k) => out[k] !== undefined && out[k] !== null)) {
    return { ok: false, errors: [{ path: '', message: 'give at least one personal value (a name, an email, a phone…)', reason: 'no_value' }] };
  }
  if (!creating && Object.keys(out).filter((k) => k !== 'provenance').length === 0) {
    return { ok: false, errors: [{ path: '', message: 'give at least one value to change', reason: 'no_value' }] };
  }
  return { ok: true, value: out as CleanPersonInput };
}
