import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import { auditBase, type ActingContext, type IdentityDeps } from './identity-deps.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import type { Principal } from './principal.ts';
import { revokeUserSessions } from './sessions.ts';
import { assertNotThrottled, clearThrottle, recordThrottleFailure, throttleKeys, throttleRules } from './sign-in-throttle.ts';

/** The signed-in user as the console needs it: who, which role, what it may do. */
export interface MeView {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: { readonly id: string; readonly key: string; readonly name: string };
  readonly permissions: string[];
  readonly mfaEnabled: boolean;
  readonly mfaRequired: boolean;
  readonly createdAt: string;
  readonly lastSignInAt: string | null;
}

/**
 * The `Me` view of a user acting with a role (the user's own role, or an API token's).
 *
 * @example
 * const me = await loadMe(db, { workspaceId, userId, roleId: principal.role.id });
 */
export async function loadMe(db: Kysely<Database>, input: { workspaceId: string; userId: string; roleId: string }): Promise<MeView> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'mfa_enabled', 'created_at', 'last_sign_in_at'])
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.userId)
    .executeTakeFirst();
  const role = await db
    .selectFrom('roles')
    .select(['id', 'key', 'name', 'permissions', 'require_mfa'])
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.roleId)
    .executeTakeFirst();
  if (!user || !role) throw new AppError('UNAUTHENTICATED');
  const permissions: unknown = JSON.parse(role.permissions);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: { id: role.id, key: role.key, name: role.name },
    permissions: Array.isArray(permissions) ? permissions.filter((p): p is string => typeof p === 'string') : [],
    mfaEnabled: user.mfa_enabled === 1,
    mfaRequired: role.require_mfa === 1,
    createdAt: user.created_at,
    lastSignInAt: user.last_sign_in_at,
  };
}

/** The `Me` view of a principal, from what authentication already read (no query). */
export function meOf(principal: Principal): MeView {
  return {
    id: principal.userId,
    email: principal.user.email,
    name: principal.user.name,
    role: { id: principal.role.id, key: principal.role.key, name: principal.roleName },
    permissions: [...principal.role.permissions],
    mfaEnabled: principal.mfaEnabled,
    mfaRequired: principal.role.requireMfa,
    createdAt: principal.user.createdAt,
    lastSignInAt: principal.user.lastSignInAt,
  };
}

/**
 * Changes the caller's own password after checking the current one (failures count towards the account's sign-in
 * throttle). Ends every other session of the user; the calling session (if any) stays.
 */
export async function changeOwnPassword(
  deps: IdentityDeps,
  ctx: ActingContext & { userId: string; sessionId: string | null },
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const { db, clock } = deps;
  const user = await db.kysely
    .selectFrom('users')
    .select(['id', 'email', 'password_hash'])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', '=', ctx.userId)
    .executeTakeFirstOrThrow();
  const accountKey = throttleKeys.account(user.email);
  await assertNotThrottled(db.kysely, clock, [accountKey]);
  if (!user.password_hash || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    await recordThrottleFailure(db.kysely, { dialect: db.dialect, clock }, accountKey, throttleRules.signInAccount);
    await db.kysely.transaction().execute((trx) =>
      appendAudit(trx, { dialect: db.dialect, clock }, {
        ...auditBase(ctx),
        action: 'user.password-change',
        outcome: 'failed',
        resourceType: 'user',
        resourceId: user.id,
        details: { reason: 'bad-current-password' },
      }),
    );
    throw new AppError('INVALID_CREDENTIALS', { detail: 'The current password is wrong' });
  }
  assertPasswordPolicy(input.newPassword, { email: user.email });
  if (input.newPassword === input.currentPassword) {
    throw new AppError('PASSWORD_TOO_WEAK', { detail: 'The new password must differ from the current one', reason: 'unchanged' });
  }
  const passwordHash = await hashPassword(input.newPassword);
  const now = clock.now().toISOString();
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
      .where('id', '=', user.id)
      .execute();
    const ended = await revokeUserSessions(trx, clock, { workspaceId: ctx.workspaceId, userId: user.id, keepId: ctx.sessionId });
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'user.password-change',
      outcome: 'allowed',
      resourceType: 'user',
      resourceId: user.id,
      details: { sessionsEnded: ended },
    });
  });
  await clearThrottle(db.kysely, accountKey);
}

/** Ends one of the caller's own sessions by its public id (`NOT_FOUND` for anyone else's). */
export async function revokeOwnSession(
  deps: Pick<IdentityDeps, 'db' | 'clock'>,
  ctx: ActingContext & { userId: string },
  publicId: string,
): Promise<void> {
  const { db, clock } = deps;
  await db.kysely.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('sessions')
      .set({ revoked_at: clock.now().toISOString() })
      .where('workspace_id', '=', ctx.workspaceId)
      .where('user_id', '=', ctx.userId)
      .where('public_id', '=', publicId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError('NOT_FOUND', { resource: 'session' });
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'session.revoke',
      outcome: 'allowed',
      resourceType: 'session',
      resourceId: publicId,
    });
  });
}
