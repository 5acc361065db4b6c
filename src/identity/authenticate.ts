import type { CompiledQuery, Kysely } from 'kysely';
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

function sessionLookup(db: Kysely<Database>, id: string) {
  return db
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
    .where('sessions.id', '=', id);
}

function tokenLookup(db: Kysely<Database>, hash: string) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .innerJoin('roles', (join) => join.on((eb) => eb('roles.id', '=', eb.fn.coalesce('api_tokens.role_id', 'users.role_id'))))
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
    .where('api_tokens.token_hash', '=', hash);
}

type Lookup<Q> = (db: Kysely<Database>, key: string) => Q;
type RowOf<Q> = Q extends { executeTakeFirst(): Promise<infer R> } ? R : never;

const compiledLookups = new WeakMap<Kysely<Database>, Map<Lookup<unknown>, CompiledQuery>>();

/**
 * Runs one of the two per-request lookups. Each is compiled once per database handle and re-run with the new key as its
 * only parameter: building and compiling a Kysely query costs more than the SQLite query itself on this hot path.
 */
async function executeLookup<Q extends { compile(): CompiledQuery; executeTakeFirst(): Promise<unknown> }>(
  db: Kysely<Database>,
  lookup: Lookup<Q>,
  key: string,
): Promise<RowOf<Q> | undefined> {
  let forDb = compiledLookups.get(db);
  if (!forDb) compiledLookups.set(db, (forDb = new Map()));
  let compiled = forDb.get(lookup as Lookup<unknown>);
  if (!compiled) {
    compiled = lookup(db, '\u0000key').compile();
    // The key must be the query's only parameter, or reusing the compiled form would be wrong.
    if (compiled.parameters.length !== 1 || compiled.parameters[0] !== '\u0000key') {
      throw new Error('authentication lookup must take exactly one parameter');
    }
    forDb.set(lookup as Lookup<unknown>, compiled);
  }
  const result = await db.executeQuery({ ...compiled, parameters: [key] });
  return result.rows[0] as RowOf<Q> | undefined;
}

function userOf(row: { user_email: string; user_name: string; user_created_at: string; user_last_sign_in_at: string | null }): Principal['user'] {
  return { email: row.user_email, name: row.user_name, createdAt: row.user_created_at, lastSignInAt: row.user_last_sign_in_at };
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
  const row = await executeLookup(deps.db, sessionLookup, id);
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
  const row = await executeLookup(deps.db, tokenLookup, hash);
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
