import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { apiTokenPrefix } from '../../src/identity/authenticate.ts';
import { hashSecret, randomSecret } from '../../src/identity/secret-hash.ts';

/**
 * Inserts an API token for a user of the given role directly (tests that are not about tokens need one quickly).
 * Returns the bearer secret and the ids.
 */
export async function insertTokenForRole(
  db: Kysely<Database>,
  workspaceId: string,
  roleKey: string,
  options: { defaultPurpose?: string; at?: string } = {},
): Promise<{ token: string; userId: string; tokenId: string }> {
  const at = options.at ?? '2026-03-02T10:00:00.000Z';
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
  return { token, userId, tokenId };
}
