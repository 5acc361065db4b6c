import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRecord } from '../../kernel/purposes/purpose-types.ts';
import type { ObjectionOutcome } from '../../kernel/standing/standing-types.ts';
import type { RequestView } from '../requests/request-types.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';
import { completeRequest, markInProgress, openRequest } from './open-request.ts';
import { outcomeTextsFor, type OutcomeTexts } from './outcome-texts.ts';

/** An objection raised for a request. */
export interface RequestObjection {
  readonly objectionId: string;
  readonly purpose: string;
  readonly directMarketing: boolean;
  readonly outcome: ObjectionOutcome;
}

export interface ObjectionFulfilment {
  readonly request: RequestView;
  readonly objections: readonly RequestObjection[];
}

/** Longest assessment: it becomes part of the sentence the person reads (outcome sentences hold 2,000 characters). */
export const maxAssessment = 1500;

/** Bases a person may object to under Art. 21(1); direct marketing (21(2)) whatever its basis. */
const objectable = (p: PurposeRecord) =>
  p.directMarketing || p.lawfulBasis === 'legitimate_interests' || p.lawfulBasis === 'public_task';

function upheldSentence(p: PurposeRecord, t: OutcomeTexts): string {
  return p.directMarketing ? t.objectionUpheldMarketing(p.name) : t.objectionUpheld(p.name);
}

/**
 * Objection (Art. 21): an objection to direct marketing is upheld at once (the standing service writes the
 * suppression entry); one to a legitimate-interest or public-task purpose is recorded `pending`, which pauses that
 * processing at the gate, until staff record their assessment and its outcome (upheld, or rejected on compelling
 * legitimate grounds). The request completes once nothing is pending, with the outcome told to the person.
 *
 * @example
 * const objection = createObjectionFulfilment(deps);
 * const { objections } = await objection.raise(ctx, requestId, { purposes: ['crm'] });
 * await objection.assess(ctx, requestId, { objectionId: objections[0].objectionId, outcome: 'rejected', assessment: '…' });
 */
export function createObjectionFulfilment(deps: FulfilmentDeps) {
  const db = deps.db.kysely;

  async function recordsOf(executor: Kysely<Database>, workspaceId: string, requestId: string) {
    return executor
      .selectFrom('fulfilment_records')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('request_id', '=', requestId)
      .where('kind', '=', 'objection')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  function toObjection(row: Database['fulfilment_records']): RequestObjection {
    const data = JSON.parse(row.data) as { purpose: string; directMarketing: boolean };
    return {
      objectionId: row.ref ?? '',
      purpose: data.purpose,
      directMarketing: data.directMarketing,
      outcome: row.state as ObjectionOutcome,
    };
  }

  async function purposesFor(
    ctx: ProcessingContext,
    requestId: string,
    asked: readonly string[] | undefined,
  ): Promise<PurposeRecord[]> {
    const details = await deps.requests.detailsOf(db, ctx.workspaceId, requestId);
    const keys = asked ?? details.purposes;
    const all = await deps.purposes.list(db, ctx.workspaceId);
    if (!keys || keys.length === 0) {
      const chosen = all.filter((p) => p.active && objectable(p));
      if (chosen.length === 0)
        throw new AppError('UNPROCESSABLE', { detail: 'No active purpose the person may object to' });
      return chosen;
    }
    const byKey = new Map(all.map((p) => [p.key, p]));
    const errors: { path: string; message: string }[] = [];
    const chosen: PurposeRecord[] = [];
    [...new Set(keys)].forEach((key, i) => {
      const p = byKey.get(key);
      if (!p) errors.push({ path: `/purposes/${i}`, message: 'not in the purpose register' });
      else if (!objectable(p))
        errors.push({
          path: `/purposes/${i}`,
          message:
            'not based on legitimate interests or a public task, nor direct marketing: withdraw consent or ask for restriction or erasure',
        });
      else chosen.push(p);
    });
    if (errors.length > 0)
      throw new AppError('VALIDATION_FAILED', { detail: 'Some purposes cannot be objected to', errors });
    return chosen;
  }

  return {
    async raise(
      ctx: ProcessingContext,
      requestId: string,
      input: {
        readonly expectedVersion?: number | undefined;
        readonly purposes?: readonly string[] | undefined;
      },
    ): Promise<ObjectionFulfilment> {
      const { view, personId } = await openRequest(deps.requests, db, ctx, requestId, ['objection'], input);
      const chosen = await purposesFor(ctx, view.id, input.purposes);
      const already = new Set(
        (await recordsOf(db, ctx.workspaceId, view.id)).map((r) => toObjection(r).purpose),
      );
      const raised: { purpose: PurposeRecord; objectionId: string; outcome: ObjectionOutcome }[] = [];
      for (const purpose of chosen.filter((p) => !already.has(p.key))) {
        try {
          const o = await deps.standing.raiseObjection(db, ctx, personId, { purpose: purpose.key });
          raised.push({ purpose, objectionId: o.id, outcome: o.outcome });
        } catch (error) {
          // An objection already open or upheld (raised by staff before): this request follows it.
          const id = isAppError(error) && error.code === 'CONFLICT' ? error.details.objectionId : undefined;
          if (typeof id !== 'string') throw error;
          const row = await db
            .selectFrom('objections')
            .select('outcome')
            .where('workspace_id', '=', ctx.workspaceId)
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          raised.push({ purpose, objectionId: id, outcome: row.outcome as ObjectionOutcome });
        }
      }
      const now = deps.clock.now().toISOString();
      const request = await db.transaction().execute(async (trx) => {
        await markInProgress(deps.requests, trx, ctx, view);
        for (const r of raised) {
          await trx
            .insertInto('fulfilment_records')
            .values({
              id: randomUUID(),
              workspace_id: ctx.workspaceId,
              request_id: view.id,
              kind: 'objection',
              ref: r.objectionId,
              state: r.outcome,
              data: JSON.stringify({ purpose: r.purpose.key, directMarketing: r.purpose.directMarketing }),
              created_at: now,
              updated_at: now,
            })
            .execute();
          await deps.requests.recordStep(trx, ctx, view.id, {
            kind: 'objection_recorded',
            summary:
              r.outcome === 'pending'
                ? `Objection to ${r.purpose.key} recorded: processing paused until assessed`
                : `Objection to ${r.purpose.key}: ${r.outcome}${r.purpose.directMarketing ? ' at once (direct marketing, Art. 21(3))' : ''}`,
          });
          if (r.outcome === 'upheld')
            await deps.requests.addOutcome(trx, ctx, view.id, upheldSentence(r.purpose, outcomeTextsFor(view.language)));
        }
        const all = (await recordsOf(trx, ctx.workspaceId, view.id)).map(toObjection);
        if (all.some((o) => o.outcome === 'pending')) return deps.requests.get(trx, ctx.workspaceId, view.id);
        return completeRequest(deps.requests, trx, ctx, view.id);
      });
      return { request, objections: (await recordsOf(db, ctx.workspaceId, view.id)).map(toObjection) };
    },

    /** Records staff's assessment of a pending objection and its outcome; completes the request when none is left. */
    async assess(
      ctx: ProcessingContext,
      requestId: string,
      input: {
        readonly expectedVersion?: number | undefined;
        readonly objectionId: string;
        readonly outcome: Exclude<ObjectionOutcome, 'pending'>;
        readonly assessment: string;
      },
    ): Promise<ObjectionFulfilment> {
      const { view, personId } = await openRequest(deps.requests, db, ctx, requestId, ['objection'], input);
      const record = (await recordsOf(db, ctx.workspaceId, view.id)).find((r) => r.ref === input.objectionId);
      if (!record) throw new AppError('NOT_FOUND', { resource: 'objection' });
      if (record.state !== 'pending')
        throw new AppError('CONFLICT', {
          detail: 'The objection was already decided',
          outcome: record.state,
        });
      const objection = toObjection(record);
      const purpose = await deps.purposes.find(db, ctx.workspaceId, objection.purpose);
      const assessment = input.assessment.trim();
      // Checked before the kernel decides: the sentence the person reads must fit the outcome record.
      if (assessment.length < 20 || assessment.length > maxAssessment) {
        throw new AppError('VALIDATION_FAILED', {
          detail: `assessment: 20 to ${maxAssessment} characters`,
          errors: [{ path: '/assessment', message: `20 to ${maxAssessment} characters` }],
        });
      }
      try {
        await deps.standing.decideObjection(db, ctx, personId, input.objectionId, input.outcome);
      } catch (error) {
        // Decided the same way by an earlier attempt whose request update failed: record it now.
        const decided = isAppError(error) && error.code === 'CONFLICT' ? error.details.outcome : undefined;
        if (decided !== input.outcome) throw error;
      }
      const now = deps.clock.now().toISOString();
      const name = purpose?.name ?? objection.purpose;
      const t = outcomeTextsFor(view.language);
      const request = await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('fulfilment_records')
          .set({ state: input.outcome, updated_at: now })
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', '=', record.id)
          .execute();
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'objection_assessed',
          summary: `Objection to ${objection.purpose}: ${input.outcome} after assessment`,
        });
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'objection_assessment',
          summary: assessment,
          personal: true,
        });
        await deps.requests.addOutcome(
          trx,
          ctx,
          view.id,
          input.outcome === 'upheld'
            ? purpose
              ? upheldSentence(purpose, t)
              : t.objectionUpheld(name)
            : t.objectionRejected(name, assessment),
        );
        const all = (await recordsOf(trx, ctx.workspaceId, view.id)).map(toObjection);
        if (all.some((o) => o.outcome === 'pending')) return deps.requests.get(trx, ctx.workspaceId, view.id);
        return completeRequest(deps.requests, trx, ctx, view.id);
      });
      return { request, objections: (await recordsOf(db, ctx.workspaceId, view.id)).map(toObjection) };
    },

    /** The objections raised for a request, in order. */
    async list(workspaceId: string, requestId: string): Promise<RequestObjection[]> {
      return (await recordsOf(db, workspaceId, requestId)).map(toObjection);
    },
  };
}

export type ObjectionFulfilmentService = ReturnType<typeof createObjectionFulfilment>;
