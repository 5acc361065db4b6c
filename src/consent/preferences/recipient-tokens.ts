import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { TokenSigner } from '../double-opt-in/signed-token.ts';

/** Whom a recipient token names, and which purposes its one-click unsubscribe withdraws. */
export interface RecipientTokenRow {
  readonly id: string;
  readonly workspaceId: string;
  readonly personId: string;
  readonly purposes: readonly string[];
}

/**
 * Opaque per-recipient tokens of RFC 8058 unsubscribe links and preference-centre links: the link carries a row id
 * and its HMAC (key derived from the server secret), so it cannot be guessed or forged, names no one, and stops
 * working when the eraser deletes the row.
 */
export interface RecipientTokens {
  /** The token for a person and a set of purposes (the same one every time). */
  tokenFor(db: Kysely<Database>, workspaceId: string, personId: string, purposes: readonly string[]): Promise<string>;
  /** The row an authentic token names, or undefined (forged, malformed, or the person was erased). */
  resolve(db: Kysely<Database>, token: string): Promise<RecipientTokenRow | undefined>;
}

/**
 * @example
 * const tokens = createRecipientTokens({ clock, signer: createTokenSigner(serverSecret, 'recipient') });
 * const url = `${publicUrl}/u/${await tokens.tokenFor(db, workspaceId, personId, ['email_marketing'])}`;
 */
export function createRecipientTokens(deps: { readonly clock: Clock; readonly signer: TokenSigner }): RecipientTokens {
  const find = (db: Kysely<Database>, workspaceId: string, personId: string, scope: string) =>
    db
      .selectFrom('consent_recipient_tokens')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('person_id', '=', personId)
      .where('purposes', '=', scope)
      .executeTakeFirst();
  return {
    async tokenFor(db, workspaceId, personId, purposes) {
      const scope = [...new Set(purposes)].sort().join(',');
      let row = await find(db, workspaceId, personId, scope);
      if (!row) {
        try {
          const id = randomUUID();
          await db
            .insertInto('consent_recipient_tokens')
            .values({ id, workspace_id: workspaceId, person_id: personId, purposes: scope, created_at: deps.clock.now().toISOString() })
            .execute();
          row = { id };
        } catch (error) {
          // A concurrent send created it: use that one.
          row = await find(db, workspaceId, personId, scope);
          if (!row) throw error;
        }
      }
      return deps.signer.sign({ id: row.id, expiresAt: null });
    },

    async resolve(db, token) {
      const claims = deps.signer.verify(token);
      if (!claims) return undefined;
      const row = await db.selectFrom('consent_recipient_tokens').selectAll().where('id', '=', claims.id).executeTakeFirst();
      if (!row) return undefined;
      return { id: row.id, workspaceId: row.workspace_id, personId: row.person_id, purposes: row.purposes.split(',').filter(Boolean) };
    },
  };
}
