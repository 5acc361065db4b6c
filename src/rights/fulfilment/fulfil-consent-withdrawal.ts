import { AppError } from '../../errors.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { purposeNeedsConsent, type PurposeRecord } from '../../kernel/purposes/purpose-types.ts';
import type { ConsentMethod } from '../../kernel/standing/standing-types.ts';
import type { RequestChannel, RequestView } from '../requests/request-types.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';
import { completeRequest, markInProgress, openRequest } from './open-request.ts';
import { outcomeTextsFor } from './outcome-texts.ts';

export interface ConsentWithdrawalFulfilment {
  readonly request: RequestView;
  /** Purposes whose consent was withdrawn now. */
  readonly withdrawn: readonly string[];
  readonly outcome: readonly string[];
}

/** How the withdrawal reached us, as consent evidence records it. */
const methodOf: Record<RequestChannel, ConsentMethod> = {
  portal: 'web_form',
  email: 'email',
  phone: 'phone',
  letter: 'paper',
  in_person: 'in_person',
  api: 'api',
};

const givenStates = new Set(['given', 'renewed']);

/**
 * Consent withdrawal (Art. 7(3)): appends a `withdrawn` consent event for each purpose asked (the request's
 * purposes, or every consent purpose the person has given consent to), then completes the request.
 *
 * @example
 * const consent = createConsentWithdrawalFulfilment(deps);
 * await consent.withdraw(ctx, requestId, { purposes: ['email_marketing'] });
 */
export function createConsentWithdrawalFulfilment(deps: FulfilmentDeps) {
  const db = deps.db.kysely;

  async function currentlyGiven(workspaceId: string, personId: string): Promise<Set<string>> {
    const events = await db
      .selectFrom('consent_events')
      .select(['purpose_key', 'state'])
      .where('workspace_id', '=', workspaceId)
      .where('person_id', '=', personId)
      .orderBy('id', 'desc')
      .execute();
    const latest = new Map<string, string>();
    for (const e of events) if (!latest.has(e.purpose_key)) latest.set(e.purpose_key, e.state);
    return new Set([...latest].filter(([, state]) => givenStates.has(state)).map(([key]) => key));
  }

  return {
    async withdraw(
      ctx: ProcessingContext,
      requestId: string,
      input: {
        readonly expectedVersion?: number | undefined;
        readonly purposes?: readonly string[] | undefined;
      },
    ): Promise<ConsentWithdrawalFulfilment> {
      const { view, personId } = await openRequest(
        deps.requests,
        db,
        ctx,
        requestId,
        ['consent_withdrawal'],
        input,
      );
      const details = await deps.requests.detailsOf(db, ctx.workspaceId, view.id);
      const asked = input.purposes ?? details.purposes ?? [];
      const all = await deps.purposes.list(db, ctx.workspaceId);
      const byKey = new Map(all.map((p) => [p.key, p]));
      const given = await currentlyGiven(ctx.workspaceId, personId);
      let chosen: PurposeRecord[];
      if (asked.length === 0) {
        chosen = all.filter((p) => purposeNeedsConsent(p, true) && given.has(p.key));
      } else {
        const errors: { path: string; message: string }[] = [];
        chosen = [];
        [...new Set(asked)].forEach((key, i) => {
          const p = byKey.get(key);
          if (!p) errors.push({ path: `/purposes/${i}`, message: 'not in the purpose register' });
          else if (!purposeNeedsConsent(p, true))
            errors.push({
              path: `/purposes/${i}`,
              message: 'does not rely on consent: record an objection instead',
            });
          else chosen.push(p);
        });
        if (errors.length > 0)
          throw new AppError('VALIDATION_FAILED', { detail: 'Some purposes do not rely on consent', errors });
      }
      const withdrawn: string[] = [];
      for (const purpose of chosen) {
        // A purpose without a current consent needs no new event: nothing lets the gate through for it anyway.
        if (!given.has(purpose.key)) continue;
        await deps.standing.recordConsent(db, ctx, personId, {
          purpose: purpose.key,
          state: 'withdrawn',
          method: methodOf[view.channel],
        });
        withdrawn.push(purpose.key);
      }
      const outcome =
        withdrawn.length === 0
          ? [outcomeTextsFor(view.language).nothingToWithdraw]
          : withdrawn.map((key) => outcomeTextsFor(view.language).consentWithdrawn(byKey.get(key)?.name ?? key));
      const request = await db.transaction().execute(async (trx) => {
        await markInProgress(deps.requests, trx, ctx, view);
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'consent_withdrawn',
          summary:
            withdrawn.length === 0
              ? 'No current consent to withdraw'
              : `Consent withdrawn for ${withdrawn.join(', ')}`,
        });
        for (const sentence of outcome) await deps.requests.addOutcome(trx, ctx, view.id, sentence);
        return completeRequest(deps.requests, trx, ctx, view.id);
      });
      return { request, withdrawn, outcome };
    },
  };
}

export type ConsentWithdrawalFulfilmentService = ReturnType<typeof createConsentWithdrawalFulfilment>;
