import type { Kysely, Selectable } from 'kysely';
import type { RoleTable } from '../db/core-tables.ts';
import { param, queryTemplate } from '../db/query-template.ts';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Principal } from './principal.ts';
import { toRoleGrant } from './role-grant.ts';
import { hashSecret } from './secret-hash.ts';

/** Prefix of every API token, so that leaked tokens are recognisable by secret scanners. */
export const apiTokenPrefix = 'cus_';

const userColumns = [
  'users.id as user_id',
  'users.disabled',
  'users.mfa_enabled',
  'users.email as user_email',
  'users.name as user_name',
  'users.created_at as user_created_at',
  'users.last_sign_in_at as user_last_sign_in_at',
] as const;

/** The session lookup, compiled once (it runs on every cookie-authenticated request). */
const sessionLookup = queryTemplate((db: Kysely<Database>) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .selectAll('roles')
    .select([
      'sessions.id as session_id',
      'sessions.workspace_id as session_workspace',
      'sessions.csrf_token',
      'sessions.mfa_pending',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.revoked_at',
      ...userColumns,
    ])
    .where('sessions.id', '=', param('id')),
);

/** The token lookup, compiled once (it runs on every bearer-authenticated request). */
const tokenLookup = queryTemplate((db: Kysely<Database>) =>
  db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .innerJoin('roles', (join) =>
      join.on((eb) => eb('roles.id', '=', eb.fn.coalesce('api_tokens.role_id', 'users.role_id'))),
    )
    .selectAll('roles')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.workspace_id as token_workspace',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.default_purpose as token_purpose',
      'api_tokens.last_used_at',
      'api_tokens.last_used_ip',
      ...userColumns,
    ])
    .where('api_tokens.token_hash', '=', param('hash')),
);

type SessionRow = Selectable<RoleTable> & {
  session_id: string;
  session_workspace: string;
  csrf_token: string;
  mfa_pending: number;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
} & UserColumns;
type TokenRow = Selectable<RoleTable> & {
  token_id: string;
  token_workspace: string;
  expires_at: string | null;
  revoked_at: string | null;
  token_purpose: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
} & UserColumns;
type UserColumns = {
  user_id: string;
  disabled: number;
  mfa_enabled: number;
  user_email: string;
  user_name: string;
  user_created_at: string;
  user_last_sign_in_at: string | null;
};

function userOf(row: {
  user_email: string;
  user_name: string;
  user_created_at: string;
  user_last_sign_in_at: string | null;
}): Principal['user'] {
  return {
    email: row.user_email,
    name: row.user_name,
    createdAt: row.user_created_at,
    lastSignInAt: row.user_last_sign_in_at,
  };
}

export interface SessionPolicy {
  readonly idleMs: number;
}

/**
 * Resolves a session cookie value to a principal, or `undefined` when it is unknown, revoked, idle too long, past its
 * absolute lifetime, or still waiting for the TOTP step. Touches `last_seen_at` (at most once a minute).
 */
export async function authenticateSession(
  deps: { db: Kysely<Database>; clock: Clock },
  secret: string,
  policy: SessionPolicy,
): Promise<(Principal & { mfaPending: boolean }) | undefined> {
  const id = hashSecret(secret);
  const row = (await deps.db.executeQuery(sessionLookup<SessionRow>(deps.db, { id }))).rows[0];
  if (!row || row.revoked_at || row.disabled) return undefined;
  const now = deps.clock.now();
  if (new Date(row.expires_at) <= now) return undefined;
  if (now.getTime() - new Date(row.last_seen_at).getTime() > policy.idleMs) return undefined;
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
    await deps.db
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
  }
  return {
    workspaceId: row.session_workspace,
    userId: row.user_id,
    role: toRoleGrant(row),
    via: 'session',
    credentialId: row.session_id,
    csrfToken: row.csrf_token,
    mfaEnabled: row.mfa_enabled === 1,
    defaultPurpose: null,
    roleName: row.name,
    user: userOf(row),
    mfaPending: row.mfa_pending === 1,
  };
}

/** Resolves a bearer token to a principal, or `undefined` when unknown, expired or revoked. */
export async function authenticateToken(
  deps: { db: Kysely<Database>; clock: Clock },
  token: string,
  ip: string,
): Promise<Principal | undefined> {
  if (!token.startsWith(apiTokenPrefix)) return undefined;
  const hash = hashSecret(token);
  const row = (await deps.db.executeQuery(tokenLookup<TokenRow>(deps.db, { hash }))).rows[0];
  if (!row || row.revoked_at || row.disabled) return undefined;
  const now = deps.clock.now();
  if (row.expires_at && new Date(row.expires_at) <= now) return undefined;
  if (
    row.last_used_ip !== ip ||
    !row.last_used_at ||
    now.getTime() - new Date(row.last_used_at).getTime() > 60_000
  ) {
    await deps.db
      .updateTable('api_tokens')
      .set({ last_used_at: now.toISOString(), last_used_ip: ip })
      .where('id', '=', row.token_id)
      .execute();
  }
  return {
    workspaceId: row.token_workspace,
    userId: row.user_id,
    role: toRoleGrant(row),
    via: 'token',
    credentialId: row.token_id,
    csrfToken: null,
    mfaEnabled: row.mfa_enabled === 1,
    defaultPurpose: row.token_purpose,
    roleName: row.name,
    user: userOf(row),
  };
}
