import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { forUpdate } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import { auditBase, type ActingContext, type IdentityDeps } from './identity-deps.ts';
import { hashPassword } from './password-hash.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import { invitationValidityMs, issuePasswordResetToken, sendPasswordResetMail } from './password-reset.ts';
import { assertWithinGrant, getRoleByKeyOrThrow, shapeOf } from './role-admin.ts';
import { revokeUserSessions } from './sessions.ts';

/** A staff account as the administration API shows it. */
export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: { readonly id: string; readonly key: string; readonly name: string };
  readonly disabled: boolean;
  readonly mfaEnabled: boolean;
  readonly createdAt: string;
  readonly lastSignInAt: string | null;
}

function userQuery(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.disabled',
      'users.mfa_enabled',
      'users.created_at',
      'users.last_sign_in_at',
      'roles.id as role_id',
      'roles.key as role_key',
      'roles.name as role_name',
    ])
    .where('users.workspace_id', '=', workspaceId);
}

type UserRow = Awaited<ReturnType<ReturnType<typeof userQuery>['executeTakeFirstOrThrow']>>;

function toView(r: UserRow): UserView {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: { id: r.role_id, key: r.role_key, name: r.role_name },
    disabled: r.disabled === 1,
    mfaEnabled: r.mfa_enabled === 1,
    createdAt: r.created_at,
    lastSignInAt: r.last_sign_in_at,
  };
}

/** A user of the workspace, or `NOT_FOUND`. */
export async function getUserOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<UserView> {
  const row = await userQuery(db, workspaceId).where('users.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { resource: 'user' });
  return toView(row);
}

/** Opaque cursor: the creation time and id of the last item (no personal data in URLs). */
function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || extra !== undefined || Number.isNaN(Date.parse(createdAt))) {
    throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid', errors: [{ path: 'cursor', message: 'invalid' }] });
  }
  return { createdAt, id };
}

/**
 * Users of a workspace, oldest first, `limit` at a time; `q` matches part of the email or name (case-insensitive).
 *
 * @example
 * const page = await listUsers(db, workspaceId, { limit: 50 });
 * const next = page.nextCursor ? await listUsers(db, workspaceId, { cursor: page.nextCursor, limit: 50 }) : undefined;
 */
export async function listUsers(
  db: Kysely<Database>,
  workspaceId: string,
  input: { q?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ items: UserView[]; nextCursor: string | null }> {
  let query = userQuery(db, workspaceId);
  if (input.q) {
    const pattern = `%${input.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`lower(users.email) like ${pattern} escape '\\'`,
        sql<boolean>`lower(users.name) like ${pattern} escape '\\'`,
      ]),
    );
  }
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    query = query.where((eb) =>
      eb.or([eb('users.created_at', '>', c.createdAt), eb.and([eb('users.created_at', '=', c.createdAt), eb('users.id', '>', c.id)])]),
    );
  }
  const rows = await query.orderBy('users.created_at').orderBy('users.id').limit(input.limit + 1).execute();
  const items = rows.slice(0, input.limit).map(toView);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null };
}

export interface CreateUserInput {
  readonly email: string;
  readonly name: string;
  readonly roleKey: string;
  /** Without a password, an invitation email lets the user choose one. */
  readonly password?: string | undefined;
}

/**
 * Creates a staff account. The role may not grant more than the acting role holds. Without a password, the user gets
 * an invitation email with a single-use link (valid 72 hours) to choose one.
 *
 * @example
 * const user = await createUser(deps, ctx, { email: 'ann@example.com', name: 'Ann', roleKey: 'sales' });
 */
export async function createUser(deps: IdentityDeps, ctx: ActingContext, input: CreateUserInput): Promise<UserView> {
  const { db, clock } = deps;
  const email = input.email.trim().toLowerCase();
  const role = await getRoleByKeyOrThrow(db.kysely, ctx.workspaceId, input.roleKey);
  assertWithinGrant(ctx.grant, shapeOf(role));
  if (input.password !== undefined) assertPasswordPolicy(input.password, { email });
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  const id = randomUUID();
  const now = clock.now().toISOString();
  let invitation: string | undefined;
  await db.kysely.transaction().execute(async (trx) => {
    // Emails are unique across workspaces: sign-in finds the account by email alone.
    const taken = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (taken) throw new AppError('ALREADY_EXISTS', { detail: 'An account with this email exists', field: 'email' });
    await trx
      .insertInto('users')
      .values({
        id,
        workspace_id: ctx.workspaceId,
        email,
        name: input.name,
        password_hash: passwordHash,
        role_id: role.id,
        disabled: 0,
        mfa_secret: null,
        mfa_enabled: 0,
        mfa_last_step: null,
        password_changed_at: passwordHash ? now : null,
        last_sign_in_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    if (!passwordHash) {
      invitation = await issuePasswordResetToken(trx, clock, { workspaceId: ctx.workspaceId, userId: id, validMs: invitationValidityMs });
    }
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'user.create',
      outcome: 'allowed',
      resourceType: 'user',
      resourceId: id,
      details: { role: role.key, invited: passwordHash === null },
    });
  });
  if (invitation) {
    sendPasswordResetMail(deps.mailer, deps.config, { to: email, token: invitation, kind: 'invitation', validMinutes: invitationValidityMs / 60_000 });
  }
  return getUserOrThrow(db.kysely, ctx.workspaceId, id);
}

export interface UpdateUserInput {
  readonly name?: string | undefined;
  readonly roleKey?: string | undefined;
  readonly disabled?: boolean | undefined;
}

/**
 * Changes a user's name, role or disabled flag. The acting role must cover both the user's current role and the new
 * one; the last active owner can be neither demoted nor disabled; disabling ends the user's sessions.
 */
export async function updateUser(deps: IdentityDeps, ctx: ActingContext, id: string, input: UpdateUserInput): Promise<UserView> {
  const { db, clock } = deps;
  await db.kysely.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .innerJoin('roles', 'roles.id', 'users.role_id')
      .selectAll('roles')
      .select(['users.id as user_id', 'users.name as user_name', 'users.disabled', 'users.role_id'])
      .where('users.workspace_id', '=', ctx.workspaceId)
      .where('users.id', '=', id)
      .executeTakeFirst();
    if (!user) throw new AppError('NOT_FOUND', { resource: 'user' });
    assertWithinGrant(ctx.grant, shapeOf(user));
    const newRole = input.roleKey !== undefined ? await getRoleByKeyOrThrow(trx, ctx.workspaceId, input.roleKey) : undefined;
    if (newRole) assertWithinGrant(ctx.grant, shapeOf(newRole));
    const disabled = input.disabled === undefined ? user.disabled === 1 : input.disabled;
    const losesOwner = user.key === 'owner' && user.disabled === 0 && ((newRole && newRole.key !== 'owner') || disabled);
    if (losesOwner) {
      // Lock the owners so that two concurrent demotions cannot both pass the check.
      const owners = await forUpdate(
        trx
          .selectFrom('users')
          .select('id')
          .where('workspace_id', '=', ctx.workspaceId)
          .where('role_id', '=', user.role_id)
          .where('disabled', '=', 0),
        db.dialect,
      ).execute();
      if (owners.filter((o) => o.id !== id).length === 0) {
        throw new AppError('CONFLICT', { detail: 'The last owner can be neither demoted nor disabled' });
      }
    }
    const now = clock.now().toISOString();
    await trx
      .updateTable('users')
      .set({
        name: input.name ?? user.user_name,
        role_id: newRole?.id ?? user.role_id,
        disabled: disabled ? 1 : 0,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('workspace_id', '=', ctx.workspaceId)
      .execute();
    const sessionsEnded = disabled && user.disabled === 0 ? await revokeUserSessions(trx, clock, { workspaceId: ctx.workspaceId, userId: id }) : 0;
    const fields = Object.keys(input).filter((k) => input[k as keyof UpdateUserInput] !== undefined);
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: disabled && user.disabled === 0 ? 'user.disable' : 'user.update',
      outcome: 'allowed',
      resourceType: 'user',
      resourceId: id,
      details: { fields, ...(newRole ? { role: newRole.key, previousRole: user.key } : {}), ...(input.disabled !== undefined ? { disabled } : {}), sessionsEnded },
    });
  });
  return getUserOrThrow(db.kysely, ctx.workspaceId, id);
}
