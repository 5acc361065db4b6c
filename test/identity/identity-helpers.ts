import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import type { App } from '../../src/http/app.ts';
import { hashPassword } from '../../src/identity/password-hash.ts';

/** A session as a test holds it: the Cookie header to send and the CSRF token. */
export interface TestSession {
  readonly cookie: string;
  readonly secret: string;
  readonly csrf: string;
}

/** The session cookie set by a response, as a `name=value` Cookie header. */
export function sessionCookieOf(res: { cookies: { name: string; value: string }[] }): { cookie: string; secret: string } {
  const c = res.cookies.find((k) => k.name.endsWith('custodian_session') && k.value !== '');
  if (!c) throw new Error('no session cookie set');
  return { cookie: `${c.name}=${c.value}`, secret: c.value };
}

/** Signs in with a password (no MFA) and returns the session. */
export async function signInAs(app: App, email: string, password: string, headers: Record<string, string> = {}): Promise<TestSession> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password }, headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().status).toBe('signed-in');
  return { ...sessionCookieOf(res), csrf: res.json().csrfToken as string };
}

/** Headers of a cookie-authenticated change. */
export function withSession(s: TestSession): Record<string, string> {
  return { cookie: s.cookie, 'x-csrf-token': s.csrf };
}

/** Inserts a user with a password straight into the database (tests that are not about user creation). */
export async function insertUser(
  db: Kysely<Database>,
  input: { workspaceId: string; email: string; password: string; roleKey: string; at?: string; passwordHash?: string },
): Promise<string> {
  const role = await db
    .selectFrom('roles')
    .select('id')
    .where('workspace_id', '=', input.workspaceId)
    .where('key', '=', input.roleKey)
    .executeTakeFirstOrThrow();
  const id = randomUUID();
  const at = input.at ?? '2026-03-02T10:00:00.000Z';
  await db
    .insertInto('users')
    .values({
      id,
      workspace_id: input.workspaceId,
      email: input.email,
      name: input.email.split('@')[0] ?? 'user',
      password_hash: input.passwordHash ?? (await hashPassword(input.password)),
      role_id: role.id,
      disabled: 0,
      mfa_secret: null,
      mfa_enabled: 0,
      mfa_last_step: null,
      password_changed_at: at,
      last_sign_in_at: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

/** Every row of a table, for "nothing changed" assertions. */
export async function snapshot(db: Kysely<Database>, table: keyof Database): Promise<unknown[]> {
  return db.selectFrom(table).selectAll().execute();
}

/** Audit entries of an action, oldest first. */
export async function auditOf(db: Kysely<Database>, action: string) {
  return db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();
}
