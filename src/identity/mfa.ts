import { randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import { auditBase, type ActingContext, type IdentityDeps } from './identity-deps.ts';
import { verifyPassword } from './password-hash.ts';
import { hashSecret } from './secret-hash.ts';
import { assertNotThrottled, clearThrottle, recordThrottleFailure, throttleKeys, throttleRules } from './sign-in-throttle.ts';
import { generateTotpSecret, openTotpSecret, sealTotpSecret, totpProvisioning, totpSealingKey, totpStepOf } from './totp.ts';

/** How many single-use recovery codes a user gets when MFA is confirmed. */
export const recoveryCodeCount = 10;
const recoveryAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A recovery code: 16 characters from a 32-letter alphabet (80 bits), shown as `XXXX-XXXX-XXXX-XXXX`. */
export function generateRecoveryCode(): string {
  const chars = Array.from({ length: 16 }, () => recoveryAlphabet[randomInt(recoveryAlphabet.length)]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

function normaliseRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

interface MfaUser {
  readonly id: string;
  readonly workspace_id: string;
  readonly mfa_secret: string | null;
  readonly mfa_last_step: number | string | null;
}

/**
 * Checks a second factor: a 6-digit TOTP code for a step later than the last one accepted (the step is recorded with a
 * conditional update, so a code is accepted once even under concurrent requests), or an unused recovery code (then
 * marked used). Returns which one matched, or `undefined`.
 */
export async function verifySecondFactor(
  db: Kysely<Database>,
  deps: Pick<IdentityDeps, 'clock' | 'keyFiles'>,
  user: MfaUser,
  code: string,
  options: { allowRecovery: boolean },
): Promise<'totp' | 'recovery' | undefined> {
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed)) {
    if (!user.mfa_secret) return undefined;
    const secret = openTotpSecret(totpSealingKey(deps.keyFiles.serverSecret), user.id, user.mfa_secret);
    const step = totpStepOf(secret, trimmed, deps.clock.now());
    const last = user.mfa_last_step === null ? null : Number(user.mfa_last_step);
    if (step === undefined || (last !== null && step <= last)) return undefined;
    const result = await db
      .updateTable('users')
      .set({ mfa_last_step: step })
      .where('id', '=', user.id)
      .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? 'totp' : undefined;
  }
  if (!options.allowRecovery) return undefined;
  const normalised = normaliseRecoveryCode(trimmed);
  if (normalised.length !== 16) return undefined;
  const result = await db
    .updateTable('mfa_recovery_codes')
    .set({ used_at: deps.clock.now().toISOString() })
    .where('workspace_id', '=', user.workspace_id)
    .where('user_id', '=', user.id)
    .where('code_hash', '=', hashSecret(normalised))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? 'recovery' : undefined;
}

async function loadMfaUser(db: Kysely<Database>, workspaceId: string, userId: string) {
  const user = await db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select([
      'users.id',
      'users.workspace_id',
      'users.email',
      'users.password_hash',
      'users.mfa_secret',
      'users.mfa_enabled',
      'users.mfa_last_step',
      'roles.require_mfa',
    ])
    .where('users.workspace_id', '=', workspaceId)
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new AppError('UNAUTHENTICATED');
  return user;
}

/**
 * Starts TOTP enrolment: a new secret, sealed at rest, pending until a code confirms it. Returns the secret, the
 * `otpauth://` URL and its QR code as SVG.
 *
 * @example
 * const { otpauthUrl, qrSvg } = await enrolMfa(deps, { ...ctx, userId });
 */
export async function enrolMfa(
  deps: IdentityDeps,
  ctx: ActingContext & { userId: string },
): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }> {
  const { db, clock } = deps;
  const user = await loadMfaUser(db.kysely, ctx.workspaceId, ctx.userId);
  if (user.mfa_enabled === 1) throw new AppError('CONFLICT', { detail: 'MFA is already enabled; disable it first' });
  const secret = generateTotpSecret();
  const sealed = sealTotpSecret(totpSealingKey(deps.keyFiles.serverSecret), user.id, secret);
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ mfa_secret: sealed, mfa_last_step: null, updated_at: clock.now().toISOString() })
      .where('id', '=', user.id)
      .where('mfa_enabled', '=', 0)
      .execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'mfa.enrol',
      outcome: 'allowed',
      resourceType: 'user',
      resourceId: user.id,
    });
  });
  return { secret, ...(await totpProvisioning(user.email, secret)) };
}

async function failMfa(deps: IdentityDeps, ctx: ActingContext, userId: string, action: string, reason: string): Promise<never> {
  const { db, clock } = deps;
  await recordThrottleFailure(db.kysely, { dialect: db.dialect, clock }, throttleKeys.mfa(userId), throttleRules.mfaUser);
  await db.kysely.transaction().execute((trx) =>
    appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action,
      outcome: 'failed',
      resourceType: 'user',
      resourceId: userId,
      details: { reason },
    }),
  );
  throw new AppError(reason === 'bad-password' ? 'INVALID_CREDENTIALS' : 'MFA_INVALID');
}

/**
 * Confirms enrolment with a current code; turns MFA on and returns 10 new single-use recovery codes (stored hashed,
 * shown once).
 */
export async function confirmMfa(
  deps: IdentityDeps,
  ctx: ActingContext & { userId: string },
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const { db, clock } = deps;
  const user = await loadMfaUser(db.kysely, ctx.workspaceId, ctx.userId);
  if (user.mfa_enabled === 1 || !user.mfa_secret) {
    throw new AppError('CONFLICT', { detail: user.mfa_enabled === 1 ? 'MFA is already enabled' : 'Start enrolment first' });
  }
  await assertNotThrottled(db.kysely, clock, [throttleKeys.mfa(user.id)]);
  const recoveryCodes = Array.from({ length: recoveryCodeCount }, generateRecoveryCode);
  const ok = await db.kysely.transaction().execute(async (trx) => {
    const matched = await verifySecondFactor(trx, deps, user, code, { allowRecovery: false });
    if (!matched) return false;
    await trx.updateTable('users').set({ mfa_enabled: 1, updated_at: clock.now().toISOString() }).where('id', '=', user.id).execute();
    await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', user.id).execute();
    await trx
      .insertInto('mfa_recovery_codes')
      .values(
        recoveryCodes.map((c) => ({
          id: randomUUID(),
          workspace_id: ctx.workspaceId,
          user_id: user.id,
          code_hash: hashSecret(normaliseRecoveryCode(c)),
          used_at: null,
        })),
      )
      .execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'mfa.confirm',
      outcome: 'allowed',
      resourceType: 'user',
      resourceId: user.id,
      details: { recoveryCodes: recoveryCodeCount },
    });
    return true;
  });
  if (!ok) return failMfa(deps, ctx, user.id, 'mfa.confirm', 'bad-code');
  await clearThrottle(db.kysely, throttleKeys.mfa(user.id));
  return { recoveryCodes };
}

/** Turns MFA off after checking the password and a code; refused (403) when the user's role requires MFA. */
export async function disableMfa(
  deps: IdentityDeps,
  ctx: ActingContext & { userId: string },
  input: { password: string; code: string },
): Promise<void> {
  const { db, clock } = deps;
  const user = await loadMfaUser(db.kysely, ctx.workspaceId, ctx.userId);
  if (user.require_mfa === 1) throw new AppError('FORBIDDEN', { detail: 'Your role requires MFA' });
  if (user.mfa_enabled !== 1) throw new AppError('CONFLICT', { detail: 'MFA is not enabled' });
  await assertNotThrottled(db.kysely, clock, [throttleKeys.mfa(user.id)]);
  if (!user.password_hash || !(await verifyPassword(user.password_hash, input.password))) {
    return failMfa(deps, ctx, user.id, 'mfa.disable', 'bad-password');
  }
  const ok = await db.kysely.transaction().execute(async (trx) => {
    const matched = await verifySecondFactor(trx, deps, user, input.code, { allowRecovery: true });
    if (!matched) return false;
    await trx
      .updateTable('users')
      .set({ mfa_enabled: 0, mfa_secret: null, mfa_last_step: null, updated_at: clock.now().toISOString() })
      .where('id', '=', user.id)
      .execute();
    await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', user.id).execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'mfa.disable',
      outcome: 'allowed',
      resourceType: 'user',
      resourceId: user.id,
      details: { with: matched },
    });
    return true;
  });
  if (!ok) return failMfa(deps, ctx, user.id, 'mfa.disable', 'bad-code');
  await clearThrottle(db.kysely, throttleKeys.mfa(user.id));
}
