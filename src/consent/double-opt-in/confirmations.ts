import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { tokenHash, type TokenSigner } from './signed-token.ts';

/** A purpose waiting for confirmation, with what the person was shown. */
export interface PendingPurpose {
  readonly purpose: string;
  readonly noticeVersionId: string;
  readonly textDigest: string;
  readonly language: string;
}

/** A pending confirmation an authentic, unexpired, unused token names. */
export interface PendingConfirmation {
  readonly id: string;
  readonly workspaceId: string;
  readonly personId: string;
  readonly formId: string;
  readonly formVersion: number;
  readonly purposes: readonly PendingPurpose[];
}

/** What a token is worth: only `valid` lets anything happen. */
export type ConfirmationCheck =
  | { readonly status: 'valid'; readonly pending: PendingConfirmation }
  | { readonly status: 'invalid' | 'expired' | 'used' };

export interface Confirmations {
  /** Stores a pending confirmation (only the token's hash) and returns the token for the link. */
  create(db: Kysely<Database>, input: Omit<PendingConfirmation, 'id'>): Promise<string>;
  /** Whether the person already has an unused confirmation created within `withinMs` (to send no second email then). */
  pendingSince(db: Kysely<Database>, workspaceId: string, personId: string, withinMs: number): Promise<boolean>;
  /** Looks at a token without using it (the GET page). */
  check(db: Kysely<Database>, token: string): Promise<ConfirmationCheck>;
  /**
   * Uses the token once, inside `trx`: `valid` for exactly one caller; a replay answers `used`. Whatever the caller then
   * records should run in the same transaction, so a failure leaves the token unused.
   */
  use(trx: Kysely<Database>, token: string): Promise<ConfirmationCheck>;
}

/** Default lifetime of a confirmation link. */
export const confirmationLifetimeMs = 48 * 3600_000;

/**
 * Double opt-in confirmations: single-use, signed (HMAC, key derived from the server secret), expiring tokens. A forged
 * token is refused before any query; the database holds only the SHA-256 of each token.
 *
 * @example
 * const confirmations = createConfirmations({ clock, signer: createTokenSigner(serverSecret, 'double-opt-in') });
 * const token = await confirmations.create(db, { workspaceId, personId, formId, formVersion: 1, purposes });
 * await db.transaction().execute((trx) => confirmations.use(trx, token)); // { status: 'valid', pending }
 */
export function createConfirmations(deps: { readonly clock: Clock; readonly signer: TokenSigner; readonly lifetimeMs?: number }): Confirmations {
  const lifetime = deps.lifetimeMs ?? confirmationLifetimeMs;

  async function inspect(db: Kysely<Database>, token: string): Promise<ConfirmationCheck> {
    const claims = deps.signer.verify(token);
    if (!claims || claims.expiresAt === null) return { status: 'invalid' };
    const row = await db.selectFrom('consent_confirmations').selectAll().where('id', '=', claims.id).executeTakeFirst();
    const hash = tokenHash(token);
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash), hash)) return { status: 'invalid' };
    if (row.used_at !== null) return { status: 'used' };
    if (deps.clock.now().getTime() >= Date.parse(row.expires_at)) return { status: 'expired' };
    return {
      status: 'valid',
      pending: {
        id: row.id,
        workspaceId: row.workspace_id,
        personId: row.person_id,
        formId: row.form_id,
        formVersion: row.form_version,
        purposes: JSON.parse(row.purposes) as PendingPurpose[],
      },
    };
  }

  return {
    async create(db, input) {
      const id = randomUUID();
      const now = deps.clock.now();
      const expires = new Date(now.getTime() + lifetime);
      const token = deps.signer.sign({ id, expiresAt: expires.getTime() });
      await db
        .insertInto('consent_confirmations')
        .values({
          id,
          workspace_id: input.workspaceId,
          person_id: input.personId,
          form_id: input.formId,
          form_version: input.formVersion,
          token_hash: tokenHash(token),
          purposes: JSON.stringify(input.purposes),
          created_at: now.toISOString(),
          expires_at: expires.toISOString(),
          used_at: null,
        })
        .execute();
      return token;
    },

    async pendingSince(db, workspaceId, personId, withinMs) {
      const since = new Date(deps.clock.now().getTime() - withinMs).toISOString();
      const row = await db
        .selectFrom('consent_confirmations')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('person_id', '=', personId)
        .where('used_at', 'is', null)
        .where('created_at', '>', since)
        .executeTakeFirst();
      return row !== undefined;
    },

    check: (db, token) => inspect(db, token),

    async use(trx, token) {
      const result = await inspect(trx, token);
      if (result.status !== 'valid') return result;
      const changed = await trx
        .updateTable('consent_confirmations')
        .set({ used_at: deps.clock.now().toISOString() })
        .where('id', '=', result.pending.id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(changed.numUpdatedRows) === 1 ? result : { status: 'used' };
    },
  };
}
