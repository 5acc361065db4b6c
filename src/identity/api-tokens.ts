import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import { apiTokenPrefix } from './authenticate.ts';
import { auditBase, type ActingContext, type IdentityDeps } from './identity-deps.ts';
import { assertWithinGrant, getRoleByKeyOrThrow, grantOf, shapeOf } from './role-admin.ts';
import { hashSecret, randomSecret } from './secret-hash.ts';

/** An API token as listed (never the secret itself). */
export interface ApiTokenView {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  /** First characters of the token, to recognise it. */
  readonly prefix: string;
  /** The role it acts with; `null` means its user's role. */
  readonly role: { readonly id: string; readonly key: string; readonly name: string } | null;
  readonly defaultPurpose: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

function tokenQuery(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('api_tokens')
    .leftJoin('roles', 'roles.id', 'api_tokens.role_id')
    .select([
      'api_tokens.id',
      'api_tokens.user_id',
      'api_tokens.name',
      'api_tokens.prefix',
      'api_tokens.default_purpose',
      'api_tokens.created_at',
      'api_tokens.expires_at',
      'api_tokens.last_used_at',
      'api_tokens.revoked_at',
      'roles.id as role_id',
      'roles.key as role_key',
      'roles.name as role_name',
    ])
    .where('api_tokens.workspace_id', '=', workspaceId);
}

type TokenRow = Awaited<ReturnType<ReturnType<typeof tokenQuery>['executeTakeFirstOrThrow']>>;

function toView(r: TokenRow): ApiTokenView {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    prefix: r.prefix,
    role: r.role_id && r.role_key && r.role_name ? { id: r.role_id, key: r.role_key, name: r.role_name } : null,
    defaultPurpose: r.default_purpose,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

/** The caller's tokens, or every token of the workspace when `all` (holders of `tokens:manage`). Newest first. */
export async function listApiTokens(
  db: Kysely<Database>,
  input: { workspaceId: string; userId: string; all: boolean },
): Promise<ApiTokenView[]> {
  let query = tokenQuery(db, input.workspaceId);
  if (!input.all) query = query.where('api_tokens.user_id', '=', input.userId);
  const rows = await query.orderBy('api_tokens.created_at', 'desc').orderBy('api_tokens.id').limit(1000).execute();
  return rows.map(toView);
}

export interface CreateApiTokenInput {
  readonly userId: string;
  readonly name: string;
  readonly roleKey?: string | undefined;
  readonly expiresAt?: string | undefined;
  readonly defaultPurpose?: string | undefined;
}

/**
 * Creates an API token bound to a user and optionally a role that the creator's role covers (no escalation). The token
 * is `cus_` followed by 256 random bits; only its SHA-256 is stored, so it is returned here once.
 *
 * @example
 * const { token } = await createApiToken(deps, ctx, { userId, name: 'Zapier', roleKey: 'sales', expiresAt: '2027-01-01T00:00:00Z' });
 */
export async function createApiToken(
  deps: Pick<IdentityDeps, 'db' | 'clock'>,
  ctx: ActingContext,
  input: CreateApiTokenInput,
): Promise<{ token: string; item: ApiTokenView }> {
  const { db, clock } = deps;
  const now = clock.now();
  if (input.expiresAt !== undefined && !(new Date(input.expiresAt).getTime() > now.getTime())) {
    throw new AppError('UNPROCESSABLE', { detail: 'The expiry must be a future date', field: 'expiresAt' });
  }
  const user = await db.kysely
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .selectAll('roles')
    .select(['users.id as user_id', 'users.disabled'])
    .where('users.workspace_id', '=', ctx.workspaceId)
    .where('users.id', '=', input.userId)
    .executeTakeFirst();
  if (!user || user.disabled === 1) throw new AppError('UNPROCESSABLE', { detail: 'The user does not exist or is disabled', field: 'user' });
  const role = input.roleKey !== undefined ? await getRoleByKeyOrThrow(db.kysely, ctx.workspaceId, input.roleKey) : undefined;
  const effective = role ?? user;
  // Beyond neither the creator's role nor the owning user's own role.
  assertWithinGrant(ctx.grant, shapeOf(effective));
  if (role) assertWithinGrant(grantOf(user), shapeOf(role));
  const purposes = shapeOf(effective).purposes;
  if (input.defaultPurpose !== undefined && !purposes.includes('*') && !purposes.includes(input.defaultPurpose)) {
    throw new AppError('UNPROCESSABLE', { detail: 'The role does not grant this purpose', field: 'defaultPurpose' });
  }
  const token = `${apiTokenPrefix}${randomSecret(32)}`;
  const id = randomUUID();
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('api_tokens')
      .values({
        id,
        workspace_id: ctx.workspaceId,
        user_id: input.userId,
        role_id: role?.id ?? null,
        name: input.name,
        token_hash: hashSecret(token),
        prefix: token.slice(0, 10),
        default_purpose: input.defaultPurpose ?? null,
        created_at: now.toISOString(),
        expires_at: input.expiresAt !== undefined ? new Date(input.expiresAt).toISOString() : null,
        last_used_at: null,
        last_used_ip: null,
        revoked_at: null,
      })
      .execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'token.create',
      outcome: 'allowed',
      resourceType: 'api_token',
      resourceId: id,
      details: { userId: input.userId, role: role?.key ?? null, expires: input.expiresAt !== undefined },
    });
  });
  const item = await tokenQuery(db.kysely, ctx.workspaceId).where('api_tokens.id', '=', id).executeTakeFirstOrThrow();
  return { token, item: toView(item) };
}

/**
 * Revokes a token: the caller's own, or any token of the workspace when `all`. `NOT_FOUND` otherwise. Revoking an
 * already revoked token changes nothing.
 */
export async function revokeApiToken(
  deps: Pick<IdentityDeps, 'db' | 'clock'>,
  ctx: ActingContext & { userId: string; all: boolean },
  id: string,
): Promise<void> {
  const { db, clock } = deps;
  await db.kysely.transaction().execute(async (trx) => {
    let query = trx.selectFrom('api_tokens').select(['id', 'user_id', 'revoked_at']).where('workspace_id', '=', ctx.workspaceId).where('id', '=', id);
    if (!ctx.all) query = query.where('user_id', '=', ctx.userId);
    const row = await query.executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'api_token' });
    if (row.revoked_at) return;
    await trx.updateTable('api_tokens').set({ revoked_at: clock.now().toISOString() }).where('id', '=', id).execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'token.revoke',
      outcome: 'allowed',
      resourceType: 'api_token',
      resourceId: id,
      details: { userId: row.user_id },
    });
  });
}
