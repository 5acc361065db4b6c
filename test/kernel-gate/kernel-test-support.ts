import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { apiTokenPrefix } from '../../src/identity/authenticate.ts';
import { hashSecret, randomSecret } from '../../src/identity/secret-hash.ts';
import type { App } from '../../src/http/app.ts';

/**
 * Inserts a user of `roleKey` with an API token (optionally with a default purpose) and returns the bearer header.
 */
export async function bearerFor(
  db: Kysely<Database>,
  workspaceId: string,
  roleKey: string,
  options: { defaultPurpose?: string } = {},
): Promise<{ authorization: string; userId: string; tokenId: string }> {
  const at = '2026-03-02T10:00:00.000Z';
  const role = await db
    .selectFrom('roles')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', roleKey)
    .executeTakeFirstOrThrow();
  const userId = randomUUID();
  await db
    .insertInto('users')
    .values({
      id: userId,
      workspace_id: workspaceId,
      email: `${roleKey}-${userId.slice(0, 8)}@example.test`,
      name: roleKey,
      password_hash: null,
      role_id: role.id,
      disabled: 0,
      mfa_secret: null,
      mfa_enabled: 0,
      mfa_last_step: null,
      password_changed_at: null,
      last_sign_in_at: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const token = `${apiTokenPrefix}${randomSecret(32)}`;
  const tokenId = randomUUID();
  await db
    .insertInto('api_tokens')
    .values({
      id: tokenId,
      workspace_id: workspaceId,
      user_id: userId,
      role_id: null,
      name: 'test',
      token_hash: hashSecret(token),
      prefix: token.slice(0, 8),
      default_purpose: options.defaultPurpose ?? null,
      created_at: at,
      expires_at: null,
      last_used_at: null,
      last_used_ip: null,
      revoked_at: null,
    })
    .execute();
  return { authorization: `Bearer ${token}`, userId, tokenId };
}

/** Rows of the kernel tables of a workspace, to assert that a refused request changed nothing. */
export async function kernelSnapshot(db: Kysely<Database>, workspaceId: string): Promise<string> {
  const tables = [
    'catalogue_categories',
    'catalogue_attributes',
    'purposes',
    'purpose_versions',
    'consent_events',
    'objections',
    'restrictions',
  ] as const;
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const rows = await db.selectFrom(t).selectAll().where('workspace_id', '=', workspaceId).execute();
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return JSON.stringify(out);
}

/** `app.inject` with JSON and a bearer token. */
export async function call(
  app: App,
  authorization: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url,
    headers: {
      authorization,
      ...headers,
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(payload !== undefined
      ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
      : {}),
  });
}
