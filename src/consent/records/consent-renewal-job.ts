import type { Db } from '../../db/database.ts';
import { isAppError } from '../../errors.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { PeopleService } from '../../kernel/people/people-service.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { Job } from '../../jobs/scheduler.ts';
import type { ConsentMail } from '../double-opt-in/consent-mail.ts';
import { consentChannelContext, ensureConsentRecordsPurpose } from '../forms/consent-records-purpose.ts';

/** How long before expiry a person is reminded. */
export const renewalNoticeDays = 30;
const batchSize = 500;

/**
 * Renewal reminders: every valid consent expiring within 30 days whose person was not reminded yet gets one email
 * (with the preference-centre link to renew, and the one-click unsubscribe) and is marked reminded; renewing resets
 * the mark. The email address is read through the people service under the consent-records channel's narrow scope.
 * Returns how many were reminded.
 *
 * @example
 * await remindConsentRenewals({ db, clock, people, purposes, mail });
 */
export async function remindConsentRenewals(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly people: Pick<PeopleService, 'get'>;
  readonly purposes: PurposeRegister;
  readonly mail: Pick<ConsentMail, 'sendRenewalReminder'>;
}): Promise<number> {
  const now = deps.clock.now();
  const horizon = new Date(now.getTime() + renewalNoticeDays * 86_400_000).toISOString();
  const due = await deps.db.kysely
    .selectFrom('consent_records')
    .select(['id', 'workspace_id', 'person_id', 'purpose_key', 'expires_at'])
    .where('state', 'in', ['given', 'renewed'])
    .where('expires_at', '>', now.toISOString())
    .where('expires_at', '<=', horizon)
    .where('renewal_reminded_at', 'is', null)
    .limit(batchSize)
    .execute();
  let reminded = 0;
  for (const workspaceId of new Set(due.map((r) => r.workspace_id))) {
    await ensureConsentRecordsPurpose(deps.db.kysely, deps.purposes, { workspaceId, actor: { type: 'system', id: 'consent-renewal' } });
  }
  for (const r of due) {
    const ctx = consentChannelContext(r.workspace_id, 'consent-renewal');
    const person = await deps.people.get(ctx, r.person_id).catch((error: unknown) => {
      // Erased, restricted or otherwise out of reach: no reminder (and no retry storm: marked below).
      if (isAppError(error)) return undefined;
      throw error;
    });
    const purpose = await deps.purposes.find(deps.db.kysely, r.workspace_id, r.purpose_key);
    if (person?.email && purpose) {
      await deps.mail.sendRenewalReminder(deps.db.kysely, { workspaceId: r.workspace_id, personId: r.person_id, email: person.email }, {
        purpose: r.purpose_key,
        purposeName: purpose.name,
        expiresAt: r.expires_at!,
      });
      reminded++;
    }
    await deps.db.kysely.updateTable('consent_records').set({ renewal_reminded_at: now.toISOString() }).where('id', '=', r.id).execute();
  }
  return reminded;
}

/**
 * The scheduled job around `remindConsentRenewals` (every six hours by default).
 *
 * @example
 * (deps) => consentRenewalJob({ db: deps.db, clock: deps.clock, people: deps.services.people, purposes: deps.services.purposes, mail: deps.services.consentChannels.mail }),
 */
export function consentRenewalJob(deps: Parameters<typeof remindConsentRenewals>[0], intervalMs = 6 * 3_600_000): Job {
  return { name: 'consent.renewal-reminders', intervalMs, run: async () => void (await remindConsentRenewals(deps)) };
}
