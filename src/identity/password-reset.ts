import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { IdentityDeps } from './identity-deps.ts';
import { hashPassword } from './password-hash.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import { revokeUserSessions } from './sessions.ts';
import { assertNotThrottled, clearThrottle, recordThrottleFailure, throttleKeys, throttleRules } from './sign-in-throttle.ts';
import { hashSecret, randomSecret } from './secret-hash.ts';

/** A reset link is valid this long (ASVS V2.5; the issue asks 30 minutes). */
export const passwordResetValidityMs = 30 * 60_000;
/** An invitation (a user created without a password) is valid this long. */
export const invitationValidityMs = 72 * 3_600_000;

/** Stores a new single-use reset token for a user and returns it (only its hash is stored). */
export async function issuePasswordResetToken(
  trx: Kysely<Database>,
  clock: Clock,
  input: { workspaceId: string; userId: string; validMs: number },
): Promise<string> {
  const token = randomSecret(32);
  const now = clock.now();
  await trx
    .insertInto('password_resets')
    .values({
      id: randomUUID(),
      workspace_id: input.workspaceId,
      user_id: input.userId,
      token_hash: hashSecret(token),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + input.validMs).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
}

/** The link emailed for a token. */
export function passwordResetLink(config: Pick<Config, 'publicUrl'>, token: string): string {
  return `${config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
}

/**
 * Sends the reset or invitation email without making the caller wait for SMTP (so timing does not reveal whether an
 * account exists). Failures are reported to `onError` without the address.
 */
export function sendPasswordResetMail(
  mailer: Mailer,
  config: Pick<Config, 'publicUrl'>,
  input: { to: string; token: string; kind: 'reset' | 'invitation'; validMinutes: number },
  onError: (error: unknown) => void = () => {},
): void {
  const link = passwordResetLink(config, input.token);
  const message =
    input.kind === 'reset'
      ? {
          subject: 'Reset your Custodian password',
          text:
            `Someone asked to reset the password of your Custodian account.\n\n` +
            `To choose a new password, open this link within ${input.validMinutes} minutes:\n\n${link}\n\n` +
            `The link works once. If you did not ask for this, ignore this email: your password stays as it is.\n`,
        }
      : {
          subject: 'Your Custodian account',
          text:
            `An account was created for you in Custodian.\n\n` +
            `To choose your password, open this link within ${Math.round(input.validMinutes / 60)} hours:\n\n${link}\n\n` +
            `The link works once.\n`,
        };
  // Composed and sent on a later turn of the event loop, after the response has gone.
  setImmediate(() => void mailer.send({ to: input.to, ...message }).catch(onError));
}

async function firstWorkspaceId(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('workspaces').select('id').orderBy('created_at').orderBy('id').executeTakeFirst();
  return row?.id;
}

/**
 * Handles `POST /auth/password-reset`: whatever the email, the caller sees the same answer. When an active account
 * has it, a single-use token valid 30 minutes is stored (hashed) and the link is emailed in the background. Requests are
 * throttled per address and per client, keyed by a hash of the email whether or not the account exists.
 */
export async function requestPasswordReset(
  deps: IdentityDeps,
  input: { email: string; ip: string; requestId: string | null },
  onMailError?: (error: unknown) => void,
): Promise<void> {
  const { db, clock } = deps;
  const email = input.email.trim().toLowerCase();
  const keys = [throttleKeys.resetAccount(email), throttleKeys.resetIp(input.ip)];
  await assertNotThrottled(db.kysely, clock, keys);
  // Every request counts: the limit caps the emails one address can receive and the probing one client can do.
  await recordThrottleFailure(db.kysely, { dialect: db.dialect, clock }, keys[0]!, throttleRules.resetAccount);
  await recordThrottleFailure(db.kysely, { dialect: db.dialect, clock }, keys[1]!, throttleRules.resetIp);
  const user = await db.kysely
    .selectFrom('users')
    .select(['id', 'workspace_id', 'email', 'disabled'])
    .where('email', '=', email)
    .executeTakeFirst();
  const active = user !== undefined && user.disabled === 0;
  const workspaceId = user?.workspace_id ?? (await firstWorkspaceId(db.kysely));
  if (!workspaceId) return;
  let token: string | undefined;
  await db.kysely.transaction().execute(async (trx) => {
    if (active) token = await issuePasswordResetToken(trx, clock, { workspaceId, userId: user.id, validMs: passwordResetValidityMs });
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      workspaceId,
      actor: { type: 'anonymous', id: null },
      action: 'auth.password-reset.request',
      outcome: active ? 'allowed' : 'failed',
      resourceType: active ? 'user' : null,
      resourceId: active ? user.id : null,
      requestId: input.requestId,
      ip: input.ip,
      details: active ? {} : { reason: user ? 'account-disabled' : 'unknown-account' },
    });
  });
  if (active && token) {
    sendPasswordResetMail(deps.mailer, deps.config, { to: user.email, token, kind: 'reset', validMinutes: 30 }, onMailError);
  }
}

/**
 * Handles `POST /auth/password-reset/complete`: the token must be unused and unexpired. Sets the password, uses up
 * every outstanding token of the user and ends all their sessions. MFA stays on, so the next sign-in still asks for the
 * second factor.
 */
export async function completePasswordReset(
  deps: IdentityDeps,
  input: { token: string; password: string; ip: string; requestId: string | null },
): Promise<void> {
  const { db, clock } = deps;
  const ipKey = throttleKeys.resetIp(input.ip);
  await assertNotThrottled(db.kysely, clock, [ipKey]);
  const now = clock.now().toISOString();
  const reset = await db.kysely
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .select([
      'password_resets.id',
      'password_resets.workspace_id',
      'password_resets.user_id',
      'password_resets.expires_at',
      'password_resets.used_at',
      'users.email',
      'users.disabled',
    ])
    .where('password_resets.token_hash', '=', hashSecret(input.token))
    .executeTakeFirst();
  if (!reset || reset.used_at || reset.expires_at <= now || reset.disabled === 1) {
    await recordThrottleFailure(db.kysely, { dialect: db.dialect, clock }, ipKey, throttleRules.resetIp);
    throw new AppError('TOKEN_INVALID', { detail: 'The link is invalid, expired or already used' });
  }
  assertPasswordPolicy(input.password, { email: reset.email });
  const passwordHash = await hashPassword(input.password);
  await db.kysely.transaction().execute(async (trx) => {
    // Single use, also under a race: only the request that flips used_at proceeds.
    const claimed = await trx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('id', '=', reset.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('TOKEN_INVALID', { detail: 'The link was already used' });
    await trx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('user_id', '=', reset.user_id)
      .where('used_at', 'is', null)
      .execute();
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
      .where('id', '=', reset.user_id)
      .execute();
    const ended = await revokeUserSessions(trx, clock, { workspaceId: reset.workspace_id, userId: reset.user_id });
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      workspaceId: reset.workspace_id,
      actor: { type: 'anonymous', id: null },
      action: 'auth.password-reset.complete',
      outcome: 'allowed',
      resourceType: 'user',
      resourceId: reset.user_id,
      requestId: input.requestId,
      ip: input.ip,
      details: { sessionsEnded: ended },
    });
  });
  await clearThrottle(db.kysely, throttleKeys.account(reset.email));
}
