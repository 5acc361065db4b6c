import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit, type AuditEntryInput } from '../kernel/audit/audit-log.ts';
import { loadMe, type MeView } from './account.ts';
import type { IdentityDeps } from './identity-deps.ts';
import { verifySecondFactor } from './mfa.ts';
import { hashPassword, needsRehash, verifyPassword } from './password-hash.ts';
import { hashSecret, randomSecret } from './secret-hash.ts';
import { createSession, revokeSessionBySecret, type NewSession } from './sessions.ts';
import { assertNotThrottled, clearThrottle, recordThrottleFailure, throttleKeys, throttleRules } from './sign-in-throttle.ts';

/** Where a sign-in request comes from. `previousSecret` is the session cookie the client already held, if any. */
export interface SignInClient {
  readonly ip: string;
  readonly userAgent: string | null;
  readonly requestId: string | null;
  readonly previousSecret?: string | undefined;
}

export type SignInResult =
  | { readonly status: 'signed-in'; readonly session: NewSession; readonly me: MeView }
  | { readonly status: 'mfa-required'; readonly session: NewSession };

let dummyHash: Promise<string> | undefined;

/**
 * An argon2id hash of a random string with today's parameters. Unknown accounts are checked against it so that a
 * sign-in for an unknown email costs the same time as a wrong password (ASVS V2.2.1 / account enumeration).
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomSecret(24));
  return dummyHash;
}

async function firstWorkspaceId(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('workspaces').select('id').orderBy('created_at').orderBy('id').executeTakeFirst();
  return row?.id;
}

async function audit(deps: IdentityDeps, entry: AuditEntryInput): Promise<void> {
  await deps.db.kysely.transaction().execute((trx) => appendAudit(trx, { dialect: deps.db.dialect, clock: deps.clock }, entry));
}

/**
 * Checks an email and password. Answers the same `INVALID_CREDENTIALS` for an unknown account, a wrong password or a
 * disabled account, after the same argon2 work. Failures count per account and per client address (429 with
 * `Retry-After` past the limit). On success a NEW session is created (any session the client held is ended): a full
 * one, or, when the user has MFA, a pending one that `completeMfaSignIn` replaces.
 *
 * @example
 * const result = await signIn(deps, { email, password }, { ip: request.ip, userAgent, requestId: request.id });
 */
export async function signIn(
  deps: IdentityDeps,
  input: { email: string; password: string },
  client: SignInClient,
): Promise<SignInResult> {
  const { db, clock, config } = deps;
  const email = input.email.trim().toLowerCase();
  const accountKey = throttleKeys.account(email);
  const ipKey = throttleKeys.ip(client.ip);
  await assertNotThrottled(db.kysely, clock, [accountKey, ipKey]);

  const user = await db.kysely
    .selectFrom('users')
    .select(['id', 'workspace_id', 'password_hash', 'disabled', 'mfa_enabled', 'role_id'])
    .where('email', '=', email)
    .executeTakeFirst();
  const passwordOk = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password);
  if (!user || !user.password_hash || !passwordOk || user.disabled === 1) {
    const reason = !user ? 'unknown-account' : !user.password_hash ? 'no-password' : !passwordOk ? 'bad-password' : 'account-disabled';
    await recordThrottleFailure(db.kysely, { dialect: db.dialect, clock }, accountKey, throttleRules.signInAccount);
    await recordThrottleFailure(db.kysely, { dialect: db.dialect, clock }, ipKey, throttleRules.signInIp);
    const workspaceId = user?.workspace_id ?? (await firstWorkspaceId(db.kysely));
    if (workspaceId) {
      await audit(deps, {
        workspaceId,
        actor: { type: 'anonymous', id: null },
        action: 'auth.sign-in',
        outcome: 'failed',
        resourceType: user ? 'user' : null,
        resourceId: user?.id ?? null,
        requestId: client.requestId,
        ip: client.ip,
        details: { reason },
      });
    }
    throw new AppError('INVALID_CREDENTIALS');
  }

  if (needsRehash(user.password_hash)) {
    const rehashed = await hashPassword(input.password);
    await db.kysely.updateTable('users').set({ password_hash: rehashed }).where('id', '=', user.id).execute();
  }
  await clearThrottle(db.kysely, accountKey);
  const mfaPending = user.mfa_enabled === 1;
  const now = clock.now().toISOString();
  const session = await db.kysely.transaction().execute(async (trx) => {
    if (client.previousSecret) await revokeSessionBySecret(trx, clock, client.previousSecret);
    const created = await createSession(trx, clock, {
      workspaceId: user.workspace_id,
      userId: user.id,
      mfaPending,
      absoluteHours: config.sessionAbsoluteHours,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    if (!mfaPending) await trx.updateTable('users').set({ last_sign_in_at: now }).where('id', '=', user.id).execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      workspaceId: user.workspace_id,
      actor: { type: 'user', id: user.id },
      action: mfaPending ? 'auth.sign-in.password' : 'auth.sign-in',
      outcome: 'allowed',
      resourceType: 'session',
      resourceId: created.publicId,
      requestId: client.requestId,
      ip: client.ip,
      details: { mfa: mfaPending ? 'pending' : 'none' },
    });
    return created;
  });
  if (mfaPending) return { status: 'mfa-required', session };
  return { status: 'signed-in', session, me: await loadMe(db.kysely, { workspaceId: user.workspace_id, userId: user.id, roleId: user.role_id }) };
}

/**
 * Completes a sign-in with a TOTP or recovery code against the pending session in the cookie. On success the pending
 * session ends and a NEW full session is created. Failures count per user and per client address.
 */
export async function completeMfaSignIn(
  deps: IdentityDeps,
  input: { pendingSecret: string | undefined; code: string },
  client: SignInClient,
): Promise<{ session: NewSession; me: MeView }> {
  const { db, clock, config } = deps;
  const ipKey = throttleKeys.ip(client.ip);
  await assertNotThrottled(db.kysely, clock, [ipKey]);
  const now = clock.now();
  const pending = input.pendingSecret
    ? await db.kysely
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.id as session_id',
          'sessions.expires_at',
          'sessions.revoked_at',
          'sessions.mfa_pending',
          'users.id',
          'users.workspace_id',
          'users.role_id',
          'users.disabled',
          'users.mfa_enabled',
          'users.mfa_secret',
          'users.mfa_last_step',
        ])
        .where('sessions.id', '=', hashSecret(input.pendingSecret))
        .executeTakeFirst()
    : undefined;
  if (
    !pending ||
    pending.mfa_pending !== 1 ||
    pending.revoked_at ||
    pending.disabled === 1 ||
    pending.mfa_enabled !== 1 ||
    new Date(pending.expires_at) <= now
  ) {
    throw new AppError('SESSION_EXPIRED', { detail: 'Sign in again: the password step is missing or has expired' });
  }
  const mfaKey = throttleKeys.mfa(pending.id);
  await assertNotThrottled(db.kysely, clock, [mfaKey]);
  const result = await db.kysely.transaction().execute(async (trx) => {
    const matched = await verifySecondFactor(trx, deps, pending, input.code, { allowRecovery: true });
    if (!matched) return undefined;
    await trx.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('id', '=', pending.session_id).execute();
    const session = await createSession(trx, clock, {
      workspaceId: pending.workspace_id,
      userId: pending.id,
      mfaPending: false,
      absoluteHours: config.sessionAbsoluteHours,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    await trx.updateTable('users').set({ last_sign_in_at: now.toISOString() }).where('id', '=', pending.id).execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      workspaceId: pending.workspace_id,
      actor: { type: 'user', id: pending.id },
      action: 'auth.sign-in',
      outcome: 'allowed',
      resourceType: 'session',
      resourceId: session.publicId,
      requestId: client.requestId,
      ip: client.ip,
      details: { mfa: matched },
    });
    return session;
  });
  if (!result) {
    await recordThrottleFailure(db.kysely, { dialect: db.dialect, clock }, mfaKey, throttleRules.mfaUser);
    await recordThrottleFailure(db.kysely, { dialect: db.dialect, clock }, ipKey, throttleRules.signInIp);
    await audit(deps, {
      workspaceId: pending.workspace_id,
      actor: { type: 'anonymous', id: null },
      action: 'auth.mfa',
      outcome: 'failed',
      resourceType: 'user',
      resourceId: pending.id,
      requestId: client.requestId,
      ip: client.ip,
      details: { reason: 'bad-code' },
    });
    throw new AppError('MFA_INVALID');
  }
  await clearThrottle(db.kysely, mfaKey);
  return { session: result, me: await loadMe(db.kysely, { workspaceId: pending.workspace_id, userId: pending.id, roleId: pending.role_id }) };
}

/** Ends the session in the cookie server-side (a no-op for an unknown or ended one). */
export async function signOut(deps: IdentityDeps, input: { secret: string | undefined }, client: SignInClient): Promise<void> {
  const { db, clock } = deps;
  if (!input.secret) return;
  const secret = input.secret;
  await db.kysely.transaction().execute(async (trx) => {
    const ended = await revokeSessionBySecret(trx, clock, secret);
    if (!ended) return;
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      workspaceId: ended.workspaceId,
      actor: { type: 'user', id: ended.userId },
      action: 'auth.sign-out',
      outcome: 'allowed',
      resourceType: 'session',
      resourceId: ended.publicId,
      requestId: client.requestId,
      ip: client.ip,
    });
  });
}
