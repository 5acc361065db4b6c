import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.ts';
import { forUpdate } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../kernel/clock.ts';
import { hashSecret } from './secret-hash.ts';

/**
 * How many failures a key may have within a window before it is locked, and for how long: the lock doubles with each
 * further failure (`baseLockMs * 2^(failures - limit)`) up to `maxLockMs`.
 */
export interface ThrottleRule {
  readonly limit: number;
  readonly windowMs: number;
  readonly baseLockMs: number;
  readonly maxLockMs: number;
}

const minute = 60_000;

/** The rules in force (ASVS V2.2.1). Counters live in the database, so every server process shares them. */
export const throttleRules = {
  /** Failed passwords per account (keyed by a hash of the email, whether or not the account exists). */
  signInAccount: { limit: 5, windowMs: 15 * minute, baseLockMs: minute, maxLockMs: 60 * minute },
  /** Failed sign-ins from one client address. */
  signInIp: { limit: 20, windowMs: 15 * minute, baseLockMs: minute, maxLockMs: 60 * minute },
  /** Failed TOTP or recovery codes per user. */
  mfaUser: { limit: 5, windowMs: 15 * minute, baseLockMs: minute, maxLockMs: 60 * minute },
  /** Reset emails requested per account. */
  resetAccount: { limit: 3, windowMs: 15 * minute, baseLockMs: 5 * minute, maxLockMs: 60 * minute },
  /** Reset requests and bad reset tokens from one client address. */
  resetIp: { limit: 20, windowMs: 15 * minute, baseLockMs: minute, maxLockMs: 60 * minute },
} as const satisfies Record<string, ThrottleRule>;

/** Throttle keys. The account key is a hash, so the table holds no email address. */
export const throttleKeys = {
  account: (email: string) => `account:${hashSecret(email.trim().toLowerCase())}`,
  ip: (ip: string) => `ip:${ip}`,
  mfa: (userId: string) => `mfa:${userId}`,
  resetAccount: (email: string) => `reset:${hashSecret(email.trim().toLowerCase())}`,
  resetIp: (ip: string) => `reset-ip:${ip}`,
} as const;

/**
 * Throws `RATE_LIMITED` (429 with `Retry-After` in seconds) when any of the keys is locked now.
 *
 * @example
 * await assertNotThrottled(db, clock, [throttleKeys.account(email), throttleKeys.ip(ip)]);
 */
export async function assertNotThrottled(db: Kysely<Database>, clock: Clock, keys: readonly string[]): Promise<void> {
  const now = clock.now().getTime();
  const rows = await db.selectFrom('sign_in_throttle').select(['key', 'locked_until']).where('key', 'in', keys).execute();
  let until = 0;
  for (const row of rows) {
    if (row.locked_until) until = Math.max(until, new Date(row.locked_until).getTime());
  }
  if (until > now) {
    const seconds = Math.max(1, Math.ceil((until - now) / 1000));
    throw new AppError('RATE_LIMITED', { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });
  }
}

/** Counts one failure against a key, locking it once the rule's limit is reached. Runs in its own transaction. */
export async function recordThrottleFailure(
  db: Kysely<Database>,
  deps: { dialect: DialectName; clock: Clock },
  key: string,
  rule: ThrottleRule,
): Promise<void> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sign_in_throttle')
      .values({ key, failures: 0, window_start: nowIso, locked_until: null })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await forUpdate(
      trx.selectFrom('sign_in_throttle').selectAll().where('key', '=', key),
      deps.dialect,
    ).executeTakeFirstOrThrow();
    const windowOver = now.getTime() - new Date(row.window_start).getTime() > rule.windowMs;
    const lockRecent = row.locked_until !== null && now.getTime() - new Date(row.locked_until).getTime() <= rule.windowMs;
    const fresh = windowOver && !lockRecent;
    const failures = fresh ? 1 : row.failures + 1;
    const lockMs =
      failures >= rule.limit ? Math.min(rule.maxLockMs, rule.baseLockMs * 2 ** Math.min(20, failures - rule.limit)) : 0;
    await trx
      .updateTable('sign_in_throttle')
      .set({
        failures,
        window_start: fresh ? nowIso : row.window_start,
        locked_until: lockMs > 0 ? new Date(now.getTime() + lockMs).toISOString() : row.locked_until,
      })
      .where('key', '=', key)
      .execute();
  });
}

/** Forgets the failures of a key (after a successful sign-in for the account key). */
export async function clearThrottle(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
}
