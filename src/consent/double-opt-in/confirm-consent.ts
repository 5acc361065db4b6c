import type { Db } from '../../db/database.ts';
import { isAppError } from '../../errors.ts';
import type { PeopleService } from '../../kernel/people/people-service.ts';
import type { ConsentEventView } from '../records/consent-types.ts';
import type { ConsentCore } from '../forms/consent-core-ports.ts';
import { consentChannelContext } from '../forms/consent-records-purpose.ts';
import { requestEvidence } from '../forms/request-evidence.ts';
import type { Confirmations } from './confirmations.ts';
import type { SendReceipts } from './send-receipts.ts';

export type ConfirmOutcome =
  | { readonly status: 'confirmed'; readonly purposes: readonly string[]; readonly afterAnswer: () => Promise<void> }
  | { readonly status: 'invalid' | 'expired' | 'used' };

/**
 * Confirms a double opt-in (`POST /c/:token`): uses the token once and records `given` for each pending purpose in the
 * same transaction (method `email_confirmation`, evidence naming the confirmation, never the token). A forged,
 * expired or replayed token changes nothing. The signed receipts are emailed after the answer.
 *
 * @example
 * const outcome = await confirmConsent(deps, token, { ip, userAgent, gpc: false, requestId });
 * if (outcome.status === 'confirmed') void outcome.afterAnswer();
 */
export async function confirmConsent(
  deps: {
    readonly db: Db;
    readonly confirmations: Confirmations;
    readonly core: Pick<ConsentCore, 'consent' | 'gpc'>;
    readonly people: Pick<PeopleService, 'get'>;
    readonly sendReceipts: SendReceipts;
  },
  token: string,
  request: { readonly ip: string; readonly userAgent: string | undefined; readonly gpc: boolean; readonly requestId: string },
): Promise<ConfirmOutcome> {
  try {
    const done = await deps.db.kysely.transaction().execute(async (trx) => {
      const check = await deps.confirmations.use(trx, token);
      if (check.status !== 'valid') return check;
      const pending = check.pending;
      const ctx = consentChannelContext(pending.workspaceId, 'consent-confirmation', { requestId: request.requestId });
      const evidence = { ...requestEvidence(request), formId: pending.formId, formVersion: pending.formVersion, confirmationTokenId: pending.id };
      const events: ConsentEventView[] = [];
      for (const p of pending.purposes) {
        events.push(
          await deps.core.consent.record(trx, ctx, {
            personId: pending.personId,
            purpose: p.purpose,
            state: 'given',
            method: 'email_confirmation',
            noticeVersionId: p.noticeVersionId,
            evidence: { ...evidence, textDigest: p.textDigest },
            language: p.language,
          }),
        );
      }
      if (request.gpc) await deps.core.gpc.apply(trx, ctx, pending.personId, evidence);
      return { status: 'valid' as const, pending, events, ctx };
    });
    if (done.status !== 'valid') return done;
    return {
      status: 'confirmed',
      purposes: done.pending.purposes.map((p) => p.purpose),
      afterAnswer: async () => {
        const person = await deps.people.get(done.ctx, done.pending.personId);
        if (!person.email) return;
        await deps.sendReceipts(deps.db.kysely, { workspaceId: done.pending.workspaceId, personId: person.id, email: person.email }, done.events);
      },
    };
  } catch (error) {
    // The person was erased (or is being) since the email went out: the link no longer leads anywhere.
    if (isAppError(error) && (error.code === 'GONE' || error.code === 'NOT_FOUND' || error.code === 'CONFLICT')) return { status: 'invalid' };
    throw error;
  }
}
