import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../../errors.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { RestrictionReason } from '../../kernel/standing/standing-types.ts';
import type { RequestView } from '../requests/request-types.ts';
import { art19Recipients, recipientsSentence } from './art19-recipients.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';
import { completeRequest, markInProgress, openRequest } from './open-request.ts';
import { outcomeTextsFor } from './outcome-texts.ts';

export interface RestrictionFulfilment {
  readonly request: RequestView;
  readonly restrictionId: string;
  readonly outcome: readonly string[];
  readonly recipients: readonly string[];
}


/**
 * Restriction (Art. 18): flags the person through the standing service (the gate then refuses everything but storage
 * and legal claims), lists the Art. 19 recipients, and completes the request. Lifting informs the person first
 * (Art. 18(3)): `sendLiftNotice` emails the requester and records it; `lift` is refused until a notice about the
 * restriction in force was sent.
 *
 * @example
 * const restriction = createRestrictionFulfilment(deps);
 * await restriction.restrict(ctx, requestId, { reason: 'accuracy_contested', expectedVersion: 2 });
 * await restriction.sendLiftNotice(ctx, requestId, { reason: 'Your address was checked and corrected.' });
 * await restriction.lift(ctx, requestId, {});
 */
export function createRestrictionFulfilment(deps: FulfilmentDeps) {
  const db = deps.db.kysely;

  async function activeRestriction(workspaceId: string, personId: string) {
    return db
      .selectFrom('restrictions')
      .select(['id', 'reason', 'restricted_at'])
      .where('workspace_id', '=', workspaceId)
      .where('person_id', '=', personId)
      .where('lifted_at', 'is', null)
      .orderBy('restricted_at', 'desc')
      .executeTakeFirst();
  }

  async function noticeFor(workspaceId: string, requestId: string, restrictionId: string) {
    return db
      .selectFrom('fulfilment_records')
      .select(['id', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where('request_id', '=', requestId)
      .where('kind', '=', 'lift_notice')
      .where('ref', '=', restrictionId)
      .executeTakeFirst();
  }

  return {
    async restrict(
      ctx: ProcessingContext,
      requestId: string,
      input: { readonly expectedVersion?: number | undefined; readonly reason: RestrictionReason },
    ): Promise<RestrictionFulfilment> {
      const { view, personId } = await openRequest(deps.requests, db, ctx, requestId, ['restriction'], input);
      let restrictionId: string;
      try {
        restrictionId = (await deps.standing.restrict(db, ctx, personId, input.reason)).id;
      } catch (error) {
        // Already restricted (by staff, or an earlier attempt of this request): the request is fulfilled by it.
        const current =
          isAppError(error) && error.code === 'CONFLICT'
            ? await activeRestriction(ctx.workspaceId, personId)
            : undefined;
        if (!current) throw error;
        restrictionId = current.id;
      }
      const recipients = await art19Recipients(deps, db, ctx.workspaceId);
      const t = outcomeTextsFor(view.language);
      const outcome = [
        t.restricted(t.restrictionReasons[input.reason]),
        recipientsSentence(recipients, view.language),
      ];
      const request = await db.transaction().execute(async (trx) => {
        await markInProgress(deps.requests, trx, ctx, view);
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'restricted',
          summary: `Processing restricted (${input.reason}); restriction ${restrictionId}`,
        });
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'recipients_notified',
          summary: `Art. 19 recipients: ${recipients.length === 0 ? 'none' : recipients.join(', ')}`,
        });
        for (const sentence of outcome) await deps.requests.addOutcome(trx, ctx, view.id, sentence);
        return completeRequest(deps.requests, trx, ctx, view.id);
      });
      return { request, restrictionId, outcome, recipients };
    },

    /** Emails the requester that the restriction will be lifted, and why; records the notice on the request. */
    async sendLiftNotice(
      ctx: ProcessingContext,
      requestId: string,
      input: { readonly expectedVersion?: number | undefined; readonly reason: string },
    ): Promise<{ readonly request: RequestView; readonly sentAt: string }> {
      const { view, personId } = await openRequest(deps.requests, db, ctx, requestId, ['restriction'], {
        ...input,
        allowCompleted: true,
      });
      const current = await activeRestriction(ctx.workspaceId, personId);
      if (!current) throw new AppError('CONFLICT', { detail: 'Processing of this person is not restricted' });
      const contact = await deps.requests.contactOf(db, ctx.workspaceId, view.id);
      if (!contact)
        throw new AppError('UNPROCESSABLE', {
          detail: 'The request holds no contact address to tell the person',
        });
      const mailer = await deps.mailerFor(db, ctx.workspaceId);
      try {
        await mailer.send({
          to: contact.email,
          subject: `Your request ${view.reference}: the restriction of processing will be lifted`,
          text: [
            `Regarding your request ${view.reference}:`,
            '',
            'We restricted the processing of your personal data at your request. As the law requires (Art. 18(3) GDPR),',
            'we tell you before we lift that restriction. Once it is lifted we may process your data again as before.',
            '',
            `Why: ${input.reason.trim()}`,
            '',
            `If you disagree, reply to this message quoting ${view.reference}.`,
          ].join('\n'),
        });
      } catch {
        throw new AppError('MAIL_SEND_FAILED', {
          detail: 'The lift notice could not be sent: the restriction stays in force',
        });
      }
      const sentAt = deps.clock.now().toISOString();
      const request = await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('fulfilment_records')
          .values({
            id: randomUUID(),
            workspace_id: ctx.workspaceId,
            request_id: view.id,
            kind: 'lift_notice',
            ref: current.id,
            state: 'sent',
            data: JSON.stringify({ restrictionId: current.id }),
            created_at: sentAt,
            updated_at: sentAt,
          })
          .execute();
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'lift_notice_sent',
          summary: `Lift notice emailed to the requester (restriction ${current.id})`,
        });
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'lift_notice_reason',
          summary: input.reason.trim(),
          personal: true,
        });
        await deps.requests.addOutcome(
          trx,
          ctx,
          view.id,
          outcomeTextsFor(view.language).liftNotice(sentAt.slice(0, 10), input.reason.trim()),
        );
        return deps.requests.get(trx, ctx.workspaceId, view.id);
      });
      return { request, sentAt };
    },

    /** Lifts the restriction in force; refused with `FULFILMENT_LIFT_NOTICE_REQUIRED` until the person was told. */
    async lift(
      ctx: ProcessingContext,
      requestId: string,
      input: { readonly expectedVersion?: number | undefined },
    ): Promise<{ readonly request: RequestView; readonly liftedAt: string }> {
      const { view, personId } = await openRequest(deps.requests, db, ctx, requestId, ['restriction'], {
        ...input,
        allowCompleted: true,
      });
      const current = await activeRestriction(ctx.workspaceId, personId);
      if (!current) throw new AppError('CONFLICT', { detail: 'Processing of this person is not restricted' });
      if (!(await noticeFor(ctx.workspaceId, view.id, current.id)))
        throw new AppError('FULFILMENT_LIFT_NOTICE_REQUIRED');
      const lifted = await deps.standing.liftRestriction(db, ctx, personId);
      const liftedAt = lifted.liftedAt ?? deps.clock.now().toISOString();
      const request = await db.transaction().execute(async (trx) => {
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'restriction_lifted',
          summary: `Restriction ${current.id} lifted after the notice`,
        });
        return deps.requests.get(trx, ctx.workspaceId, view.id);
      });
      return { request, liftedAt };
    },
  };
}

export type RestrictionFulfilmentService = ReturnType<typeof createRestrictionFulfilment>;
