import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { hashSecret, randomSecret } from './secret-hash.ts';

/** A pending (password accepted, TOTP awaited) session lives this long. */
export const pendingSessionMs = 5 * 60_000;

export interface NewSession {
  /** The cookie value: 256 random bits. Only its hash is stored. */
  readonly secret: string;
  readonly publicId: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

/**
 * Creates a session with a fresh random id (never reusing one the client sent, against session fixation). A pending
 * session (`mfaPending`) lives 5 minutes and grants nothing until the TOTP step completes it.
 *
 * @example
 * const s = await createSession(trx, clock, { workspaceId, userId, mfaPending: false, absoluteHours: 12, ip, userAgent });
 * reply.setCookie(cookie.name, s.secret, cookie.options);
 */
export async function createSession(
  db: Kysely<Database>,
  clock: Clock,
  input: {
    workspaceId: string;
    userId: string;
    mfaPending: boolean;
    absoluteHours: number;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<NewSession> {
  const now = clock.now();
  const secret = randomSecret(32);
  const session: NewSession = {
    secret,
    publicId: randomUUID(),
    csrfToken: randomSecret(32),
    expiresAt: new Date(now.getTime() + (input.mfaPending ? pendingSessionMs : input.absoluteHours * 3_600_000)).toISOString(),
  };
  await db
    .insertInto('sessions')
    .values({
      id: hashSecret(secret),
      public_id: session.publicId,
      workspace_id: input.workspaceId,
      user_id: input.userId,
      csrf_token: session.csrfToken,
      mfa_pending: input.mfaPending ? 1 : 0,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: session.expiresAt,
      ip: input.ip,
      user_agent: input.userAgent ? input.userAgent.slice(0, 256) : null,
      revoked_at: null,
    })
    .execute();
  return session;
}

/** Ends every live session of a user, except `keepId` (a session hash id). Returns how many ended. */
export async function revokeUserSessions(
  db: Kysely<Database>,
  clock: Clock,
  input: { workspaceId: string; userId: string; keepId?: string | null },
): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: clock.now().toISOString() })
    .where('workspace_id', '=', input.workspaceId)
    .where('user_id', '=', input.userId)
    .where('revoked_at', 'is', null);
  if (input.keepId) query = query.where('id', '!=', input.keepId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Ends the session whose cookie secret is given (sign-out, or the pending session once MFA completes). */
export async function revokeSessionBySecret(db: Kysely<Database>, clock: Clock, secret: string): Promise<
  { workspaceId: string; userId: string; publicId: string } | undefined
> {
  const id = hashSecret(secret);
  const row = await db
    .selectFrom('sessions')
    .select(['workspace_id', 'user_id', 'public_id', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || row.revoked_at) return undefined;
  await db.updateTable('sessions').set({ revoked_at: clock.now().toISOString() }).where('id', '=', id).execute();
  return { workspaceId: row.workspace_id, userId: row.user_id, publicId: row.public_id };
}

export interface SessionView {
  readonly id: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly current: boolean;
}

/** The user's live sessions (not revoked, not expired, not pending), newest first. */
export async function listUserSessions(
  db: Kysely<Database>,
  clock: Clock,
  input: { workspaceId: string; userId: string; currentId: string | null; idleMs: number },
): Promise<SessionView[]> {
  const now = clock.now();
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'public_id', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
    .where('workspace_id', '=', input.workspaceId)
    .where('user_id', '=', input.userId)
    .where('revoked_at', 'is', null)
    .where('mfa_pending', '=', 0)
    .where('expires_at', '>', now.toISOString())
    .where('last_seen_at', '>', new Date(now.getTime() - input.idleMs).toISOString())
    .orderBy('created_at', 'desc')
    .orderBy('public_id')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.public_id,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    ip: r.ip,
    userAgent: r.user_agent,
    current: r.id === input.currentId,
  }));
}
