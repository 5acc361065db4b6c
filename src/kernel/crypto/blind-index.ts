import { createHmac } from 'node:crypto';
import { deriveKey } from './key-files.ts';

/**
 * Length of a blind index in bits. Sized by the CipherSweet rule (expected coincidences C = R / 2^L, keep
 * 2 <= C < sqrt(R)) for the scale Custodian targets: see docs/adr/0005-blind-index-truncation.md.
 */
export const blindIndexBits = 16;

/** How a value is normalised before it is indexed. */
export type NormaliserKind = 'email' | 'phone' | 'text';

/** Applies `step` until the result stops changing, so that every normaliser is idempotent by construction. */
function fixpoint(value: string, step: (s: string) => string): string {
  let current = step(value);
  for (let i = 0; i < 4; i += 1) {
    const next = step(current);
    if (next === current) return current;
    current = next;
  }
  return current;
}

/**
 * Email: Unicode NFKC (full-width letters become ASCII), trimmed, lower-cased.
 *
 * @example
 * normaliseEmail('  Ada.Lovelace@Example.COM ') // 'ada.lovelace@example.com'
 */
export function normaliseEmail(value: string): string {
  return fixpoint(value, (s) => s.normalize('NFKC').trim().toLowerCase());
}

/**
 * Phone, E.164-ish: digits only, with a leading `+` when the number had one or started with the `00` international
 * prefix. No country is guessed: a national number stays national.
 *
 * @example
 * normalisePhone('+44 20 7946-0958')  // '+442079460958'
 * normalisePhone('0044 20 7946 0958')   // '+442079460958'
 */
export function normalisePhone(value: string): string {
  return fixpoint(value, (s) => {
    const text = s.normalize('NFKC').trim();
    const digits = text.replace(/[^0-9]/g, '');
    if (text.startsWith('+')) return `+${digits}`;
    if (digits.startsWith('00')) return `+${digits.slice(2)}`;
    return digits;
  });
}

/**
 * Any other text: NFKC, lower-case, runs of white space collapsed to one space, trimmed.
 *
 * @example
 * normaliseText('  ACME\u00a0  Corp ') // 'acme corp'
 */
export function normaliseText(value: string): string {
  return fixpoint(value, (s) => s.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim());
}

/** The normaliser of a kind. */
export const normalisers: Readonly<Record<NormaliserKind, (value: string) => string>> = Object.freeze({
  email: normaliseEmail,
  phone: normalisePhone,
  text: normaliseText,
});

/**
 * Normaliser used for a field when none is named: `email` and `phone` fields by name, anything else as text.
 *
 * @example
 * normaliserKindOf('work_email') // 'email'
 */
export function normaliserKindOf(field: string): NormaliserKind {
  if (field === 'email' || field.endsWith('_email') || field.endsWith('Email')) return 'email';
  if (field === 'phone' || field.endsWith('_phone') || field.endsWith('Phone')) return 'phone';
  return 'text';
}

/**
 * Keyed, truncated hashes of normalised values for exact lookups over encrypted columns. The HMAC-SHA256 key of each
 * field is derived with HKDF from the server secret (`blind-index:<field>`), never from the KEK; the workspace id is
 * part of the hashed message, so the same email gives unrelated indexes in two workspaces.
 */
export interface BlindIndex {
  /**
   * The `blindIndexBits`-bit index of a value (2 bytes), to store beside the ciphertext and look up with. Expect a
   * few false positives per lookup: decrypt the candidates and compare.
   */
  compute(workspaceId: string, field: string, value: string, kind?: NormaliserKind): Buffer;
  /**
   * The full 256-bit keyed hash, for lists that must not give false positives and hold no ciphertext beside them
   * (e.g. a suppression list of erased people). Use a label distinct from index fields.
   */
  keyedHash(workspaceId: string, label: string, value: string, kind?: NormaliserKind): Buffer;
}

/**
 * @example
 * const blindIndex = createBlindIndex({ serverSecret: keyFiles.serverSecret });
 * const idx = blindIndex.compute(workspaceId, 'email', 'Ada@Example.com'); // <Buffer xx xx>
 */
export function createBlindIndex(deps: { readonly serverSecret: Buffer }): BlindIndex {
  const keys = new Map<string, Buffer>();
  const keyFor = (label: string): Buffer => {
    let key = keys.get(label);
    if (!key) {
      key = deriveKey(deps.serverSecret, label);
      keys.set(label, key);
    }
    return key;
  };
  const hash = (
    label: string,
    workspaceId: string,
    field: string,
    value: string,
    kind?: NormaliserKind,
  ): Buffer => {
    const normalised = normalisers[kind ?? normaliserKindOf(field)](value);
    return createHmac('sha256', keyFor(label))
      .update(workspaceId)
      .update('\u0000')
      .update(normalised)
      .digest();
  };
  const bytes = Math.ceil(blindIndexBits / 8);
  return {
    compute(workspaceId, field, value, kind) {
      return hash(`blind-index:${field}`, workspaceId, field, value, kind).subarray(0, bytes);
    },
    keyedHash(workspaceId, label, value, kind) {
      return hash(`keyed-hash:${label}`, workspaceId, label, value, kind);
    },
  };
}
