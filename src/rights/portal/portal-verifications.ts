import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { PortalVerificationTable } from './portal-tables.ts';
import { portalTokenHash, type PortalTokens } from './portal-tokens.ts';

/** A code or link works for 30 minutes. */
export const verificationLifetimeMs = 30 * 60_000;
/** Wrong codes allowed before the verification is dead. */
export const maxCodeAttempts = 5;

/** Why a verification failed (for the audit entry only; the person always sees one neutral answer). */
export type VerificationFailure =
  'forged' | 'unknown' | 'other_workspace' | 'used' | 'dead' | 'expired' | 'wrong_code';

/** How the code and link went out. */
export type VerificationChannel = 'email' | 'sms';

/** What `consume` found. On success the row is marked used inside the caller's transaction. */
export type VerificationOutcome =
  | { readonly ok: true; readonly requestId: string; readonly channel: VerificationChannel }
  | { readonly ok: false; readonly reason: VerificationFailure; readonly requestId: string | null };

/** One-time identity checks of portal submissions: a 6-digit code and a signed link, both stored as hashes. */
export interface PortalVerifications {
  /** Creates the verification of a request; returns its id, the code and the link token (never stored in clear). */
  create(
    trx: Kysely<Database>,
    workspaceId: string,
    requestId: string,
    channel?: VerificationChannel,
  ): Promise<{ id: string; code: string; linkToken: string; expiresAt: Date }>;
  /** Checks a typed code: a wrong one counts an attempt, the fifth kills the verification. */
  consumeCode(
    trx: Kysely<Database>,
    workspaceId: string,
    verificationId: string,
    code: string,
  ): Promise<VerificationOutcome>;
  /** Checks a link token (single use). */
  consumeLink(trx: Kysely<Database>, workspaceId: string, token: string): Promise<VerificationOutcome>;
}

/**
 * @example
 * const verifications = createPortalVerifications({ dialect, clock, tokens });
 * const { id, code, linkToken } = await verifications.create(trx, workspaceId, requestId);
 * await verifications.consumeCode(trx, workspaceId, id, code); // { ok: true, requestId }
 */
export function createPortalVerifications(deps: {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly tokens: PortalTokens;
}): PortalVerifications {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  async function lockedRow(trx: Kysely<Database>, id: string) {
    return forUpdate(
      trx.selectFrom('portal_verifications').selectAll().where('id', '=', id),
      deps.dialect,
    ).executeTakeFirst();
  }

  async function close(
    trx: Kysely<Database>,
    id: string,
    state: 'used' | 'dead',
    attempts?: number,
  ): Promise<boolean> {
    const result = await trx
      .updateTable('portal_verifications')
      .set({
        state,
        closed_at: deps.clock.now().toISOString(),
        ...(attempts === undefined ? {} : { attempts }),
      })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Checks what every path shares: workspace, state, expiry. */
  function gate(
    row: Selectable<PortalVerificationTable>,
    workspaceId: string,
  ): VerificationFailure | undefined {
    if (row.workspace_id !== workspaceId) return 'other_workspace';
    if (row.state === 'used') return 'used';
    if (row.state !== 'pending') return 'dead';
    if (deps.clock.now().getTime() >= Date.parse(row.expires_at)) return 'expired';
    return undefined;
  }

  return {
    async create(trx, workspaceId, requestId, channel = 'email') {
      const id = randomUUID();
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const now = deps.clock.now();
      const expires = new Date(now.getTime() + verificationLifetimeMs);
      const linkToken = deps.tokens.sign('verify', { id, expiresAt: expires.getTime() });
      await trx
        .insertInto('portal_verifications')
        .values({
          id,
          workspace_id: workspaceId,
          request_id: requestId,
          code_hash: deps.tokens.codeHash(id, code),
          link_hash: portalTokenHash(linkToken),
          attempts: 0,
          state: 'pending',
          channel,
          created_at: now.toISOString(),
          expires_at: expires.toISOString(),
          closed_at: null,
        })
        .execute();
      return { id, code, linkToken, expiresAt: expires };
    },

    async consumeCode(trx, workspaceId, verificationId, code) {
      if (!uuid.test(verificationId)) return { ok: false, reason: 'unknown', requestId: null };
      const row = await lockedRow(trx, verificationId);
      if (!row) return { ok: false, reason: 'unknown', requestId: null };
      const requestId = row.workspace_id === workspaceId ? row.request_id : null;
      const refused = gate(row, workspaceId);
      if (refused) return { ok: false, reason: refused, requestId };
      const expected = Buffer.from(row.code_hash);
      const given = deps.tokens.codeHash(verificationId, /^\d{6}$/.test(code) ? code : 'invalid');
      if (!timingSafeEqual(expected, given)) {
        const attempts = row.attempts + 1;
        if (attempts >= maxCodeAttempts) await close(trx, row.id, 'dead', attempts);
        else
          await trx.updateTable('portal_verifications').set({ attempts }).where('id', '=', row.id).execute();
        return { ok: false, reason: 'wrong_code', requestId };
      }
      return (await close(trx, row.id, 'used'))
        ? { ok: true, requestId: row.request_id, channel: row.channel === 'sms' ? 'sms' : 'email' }
        : { ok: false, reason: 'used', requestId };
    },

    async consumeLink(trx, workspaceId, token) {
      const claims = deps.tokens.verify('verify', token);
      if (!claims) return { ok: false, reason: 'forged', requestId: null };
      const row = await lockedRow(trx, claims.id);
      if (!row || !timingSafeEqual(Buffer.from(row.link_hash), portalTokenHash(token)))
        return { ok: false, reason: 'unknown', requestId: null };
      const requestId = row.workspace_id === workspaceId ? row.request_id : null;
      const refused = gate(row, workspaceId);
      if (refused) return { ok: false, reason: refused, requestId };
      return (await close(trx, row.id, 'used'))
        ? { ok: true, requestId: row.request_id, channel: row.channel === 'sms' ? 'sms' : 'email' }
        : { ok: false, reason: 'used', requestId };
    },
  };
}
