import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { portalTokenHash, type PortalTokens } from './portal-tokens.ts';

/** Kinds of request links the portal sends. */
export type PortalLinkKind = 'status' | 'download';

/** How long each kind of link works: status links outlive the longest extended deadline (3 months); downloads 7 days. */
export const portalLinkLifetimeMs: Readonly<Record<PortalLinkKind, number>> = {
  status: 100 * 86_400_000,
  download: 7 * 86_400_000,
};

/** Status and download links of requests: signed tokens bound to a workspace and a request, stored as hashes. */
export interface PortalLinks {
  /** A new link token for the request (only its hash is stored). */
  mint(db: Kysely<Database>, kind: PortalLinkKind, workspaceId: string, requestId: string): Promise<string>;
  /**
   * The request a token opens in this workspace, or undefined for a forged, unknown, expired or other-workspace
   * token (`reason` says which, for the audit entry only).
   */
  resolve(
    db: Kysely<Database>,
    kind: PortalLinkKind,
    workspaceId: string,
    token: string,
  ): Promise<{ requestId: string } | { reason: 'forged' | 'unknown' | 'expired' | 'other_workspace' }>;
}

/**
 * @example
 * const links = createPortalLinks({ clock, tokens });
 * const token = await links.mint(db, 'download', workspaceId, requestId);
 * await links.resolve(db, 'download', workspaceId, token); // { requestId }
 */
export function createPortalLinks(deps: {
  readonly clock: Clock;
  readonly tokens: PortalTokens;
}): PortalLinks {
  return {
    async mint(db, kind, workspaceId, requestId) {
      const id = randomUUID();
      const now = deps.clock.now();
      const expires = new Date(now.getTime() + portalLinkLifetimeMs[kind]);
      const token = deps.tokens.sign(kind, { id, expiresAt: expires.getTime() });
      await db
        .insertInto('portal_links')
        .values({
          id,
          workspace_id: workspaceId,
          request_id: requestId,
          kind,
          token_hash: portalTokenHash(token),
          created_at: now.toISOString(),
          expires_at: expires.toISOString(),
        })
        .execute();
      return token;
    },
    async resolve(db, kind, workspaceId, token) {
      const claims = deps.tokens.verify(kind, token);
      if (!claims) return { reason: 'forged' };
      const row = await db
        .selectFrom('portal_links')
        .select(['workspace_id', 'request_id', 'kind', 'token_hash', 'expires_at'])
        .where('id', '=', claims.id)
        .executeTakeFirst();
      if (!row || row.kind !== kind || !timingSafeEqual(Buffer.from(row.token_hash), portalTokenHash(token)))
        return { reason: 'unknown' };
      if (row.workspace_id !== workspaceId) return { reason: 'other_workspace' };
      if (deps.clock.now().getTime() >= Date.parse(row.expires_at)) return { reason: 'expired' };
      return { requestId: row.request_id };
    },
  };
}
