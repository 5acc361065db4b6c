import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** What staff see of the portal's use over a period: counts only (no address, no request content). */
export interface PortalActivity {
  readonly since: string;
  /** Requests submitted on the portal (each with its verification). */
  readonly submissions: number;
  /** Of those, verified by code or link. */
  readonly verified: number;
  /** Expired before anyone verified them. */
  readonly expiredUnverified: number;
  /** Killed by five wrong codes. */
  readonly exhausted: number;
  /** Refused codes and links (wrong, expired, used, other workspace, forged). */
  readonly refusedVerifications: number;
  /** Refused status and download links. */
  readonly refusedLinks: number;
  readonly downloads: number;
  /** Emails to requesters waiting to be sent, and those given up after five attempts. */
  readonly emailsPending: number;
  readonly emailsFailed: number;
  /** Verification texts (since `since`) waiting to be sent, and those given up (five failures or the code expired). */
  readonly textsPending: number;
  readonly textsFailed: number;
}

/**
 * Counts of the portal's activity since `since` (the console's Privacy portal page).
 *
 * @example
 * const activity = await portalActivity(db, workspaceId, '2026-11-01T00:00:00.000Z', '2026-11-29T12:00:00.000Z');
 */
export async function portalActivity(
  db: Kysely<Database>,
  workspaceId: string,
  since: string,
  now: string,
): Promise<PortalActivity> {
  const verifications = await db
    .selectFrom('portal_verifications')
    .select(['state', 'expires_at'])
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', since)
    .execute();
  const audit = await db
    .selectFrom('audit_log')
    .select((eb) => ['action', eb.fn.countAll().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('at', '>=', since)
    .where('action', 'in', ['portal.verification_refused', 'portal.link_refused', 'portal.result_downloaded'])
    .groupBy('action')
    .execute();
  const outbox = await db
    .selectFrom('portal_outbox')
    .select(['attempts'])
    .where('workspace_id', '=', workspaceId)
    .where('sent_at', 'is', null)
    .execute();
  const texts = await db
    .selectFrom('portal_sms_outbox')
    .select(['failed_at'])
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', since)
    .where('sent_at', 'is', null)
    .execute();
  const actions = new Map(audit.map((row) => [row.action, Number(row.n)]));
  return {
    since,
    submissions: verifications.length,
    verified: verifications.filter((v) => v.state === 'used').length,
    expiredUnverified: verifications.filter((v) => v.state === 'pending' && v.expires_at <= now).length,
    exhausted: verifications.filter((v) => v.state === 'dead').length,
    refusedVerifications: actions.get('portal.verification_refused') ?? 0,
    refusedLinks: actions.get('portal.link_refused') ?? 0,
    downloads: actions.get('portal.result_downloaded') ?? 0,
    emailsPending: outbox.filter((o) => o.attempts < 5).length,
    emailsFailed: outbox.filter((o) => o.attempts >= 5).length,
    textsPending: texts.filter((t) => t.failed_at === null).length,
    textsFailed: texts.filter((t) => t.failed_at !== null).length,
  };
}
