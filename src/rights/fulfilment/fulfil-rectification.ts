import { AppError } from '../../errors.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { PersonView } from '../../kernel/people/person-fields.ts';
import type { RequestView } from '../requests/request-types.ts';
import { answeringContext } from './answering-context.ts';
import { art19Recipients, recipientsSentence } from './art19-recipients.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';
import { completeRequest, markInProgress, openRequest, pseudonymOf } from './open-request.ts';
import { outcomeTextsFor, type OutcomeField, type OutcomeTexts } from './outcome-texts.ts';
import {
  isRectifiableField,
  type RectifiableField,
  type RectificationPolicy,
} from './rectification-policy.ts';

/** One proposed change next to the value held now (decrypted through the gate, for staff). */
export interface RectificationLine {
  readonly field: string;
  /** Whether Custodian can apply a change of this field (others can only be rejected). */
  readonly supported: boolean;
  readonly current: string | null;
  readonly proposed: string;
  /** Applied without a decision by the workspace's policy. */
  readonly autoApply: boolean;
}

export interface RectificationDecision {
  readonly field: string;
  readonly decision: 'approve' | 'reject';
  /** Why: kept encrypted in the person's history and on the timeline; a rejection's reason is told to the person. */
  readonly reason: string;
}

export interface RectificationResult {
  readonly request: RequestView;
  readonly applied: readonly string[];
  readonly rejected: readonly string[];
  readonly recipients: readonly string[];
  readonly outcome: readonly string[];
}

const labelOf = (t: OutcomeTexts, field: string) =>
  isRectifiableField(field) ? t.fields[field satisfies RectifiableField & OutcomeField] : `"${field}"`;

function invalid(errors: { path: string; message: string }[]): AppError {
  return new AppError('VALIDATION_FAILED', {
    detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors,
  });
}

/**
 * Rectification (Art. 16): staff see the person's proposed values next to the current ones, approve or reject each
 * with a reason (fields the policy lists are applied without a decision), and the approved values are written
 * through the people service, whose history keeps the old values with the reason citing the request's reference.
 * The recipients to tell (Art. 19) go on the timeline and into the outcome, and `person.rectified` is emitted.
 *
 * @example
 * const rectification = createRectificationFulfilment(deps, policy);
 * const lines = await rectification.preview(ctx, requestId);
 * await rectification.decide(ctx, requestId, { expectedVersion: 2, decisions: [{ field: 'lastName', decision: 'approve', reason: 'ID card seen' }] });
 */
export function createRectificationFulfilment(deps: FulfilmentDeps, policy: RectificationPolicy) {
  const db = deps.db.kysely;

  async function proposals(workspaceId: string, requestId: string): Promise<[string, string][]> {
    const details = await deps.requests.detailsOf(db, workspaceId, requestId);
    const entries = Object.entries(details.rectification ?? {});
    if (entries.length === 0)
      throw new AppError('UNPROCESSABLE', {
        detail: 'The request proposes no change: ask the person which values are wrong',
      });
    return entries;
  }

  const currentOf = (person: PersonView, field: string): string | null =>
    isRectifiableField(field) ? (person[field] ?? null) : null;

  return {
    async preview(
      ctx: ProcessingContext,
      requestId: string,
    ): Promise<{ readonly request: RequestView; readonly lines: RectificationLine[] }> {
      const { view, personId } = await openRequest(deps.requests, db, ctx, requestId, ['rectification']);
      const proposed = await proposals(ctx.workspaceId, view.id);
      const person = await deps.people.get(answeringContext(ctx, view.id, personId), personId);
      const auto = new Set<string>(await policy.autoApply(db, ctx.workspaceId));
      return {
        request: view,
        lines: proposed.map(([field, value]) => ({
          field,
          supported: isRectifiableField(field),
          current: currentOf(person, field),
          proposed: value,
          autoApply: isRectifiableField(field) && auto.has(field),
        })),
      };
    },

    async decide(
      ctx: ProcessingContext,
      requestId: string,
      input: {
        readonly expectedVersion?: number | undefined;
        readonly decisions: readonly RectificationDecision[];
      },
    ): Promise<RectificationResult> {
      const { view, personId } = await openRequest(
        deps.requests,
        db,
        ctx,
        requestId,
        ['rectification'],
        input,
      );
      const proposed = new Map(await proposals(ctx.workspaceId, view.id));
      const auto = new Set<string>(await policy.autoApply(db, ctx.workspaceId));

      const errors: { path: string; message: string }[] = [];
      const decided = new Map<string, RectificationDecision>();
      input.decisions.forEach((d, i) => {
        if (!proposed.has(d.field))
          errors.push({
            path: `/decisions/${i}/field`,
            message: 'the request proposes no value for this field',
          });
        else if (decided.has(d.field))
          errors.push({ path: `/decisions/${i}/field`, message: 'decided twice' });
        else if (d.decision === 'approve' && !isRectifiableField(d.field))
          errors.push({
            path: `/decisions/${i}/decision`,
            message: 'this field cannot be changed here: reject it with a reason',
          });
        if (d.reason.trim() === '') errors.push({ path: `/decisions/${i}/reason`, message: 'give a reason' });
        decided.set(d.field, d);
      });
      // The field names the person proposed are free text: problems name them by position, never by name.
      [...proposed.keys()].forEach((field, n) => {
        if (!decided.has(field) && !(isRectifiableField(field) && auto.has(field)))
          errors.push({ path: '/decisions', message: `decide proposal ${n + 1} of ${proposed.size}` });
      });
      if (errors.length > 0) throw invalid(errors);

      const applied: RectifiableField[] = [];
      const rejected: string[] = [];
      for (const field of proposed.keys()) {
        const d = decided.get(field);
        if (d ? d.decision === 'approve' : true) applied.push(field as RectifiableField);
        else rejected.push(field);
      }

      if (applied.length > 0) {
        const patch = Object.fromEntries(applied.map((f) => [f, proposed.get(f) ?? null]));
        const reasons = applied.map(
          (f) => decided.get(f)?.reason.trim() ?? 'workspace policy applies it directly',
        );
        const reason = `Rectification request ${view.reference}: ${reasons.join('; ')}`.slice(0, 500);
        // The people service validates the values (nothing is written when one is wrong) and keeps the old ones.
        const answering = answeringContext(ctx, view.id, personId);
        const person = await deps.people.get(answering, personId);
        await deps.people.update(answering, personId, person.version, patch, { reason });
      }

      const recipients = applied.length > 0 ? await art19Recipients(deps, db, ctx.workspaceId) : [];
      const t = outcomeTextsFor(view.language);
      const outcome = [
        ...applied.map((f) => t.corrected(labelOf(t, f))),
        ...rejected.map((f) => t.notChanged(labelOf(t, f), decided.get(f)?.reason.trim() ?? '')),
        ...(applied.length > 0 ? [recipientsSentence(recipients, view.language)] : []),
      ];
      const pseudonym = await pseudonymOf(db, ctx.workspaceId, personId);
      const request = await db.transaction().execute(async (trx) => {
        await markInProgress(deps.requests, trx, ctx, view);
        for (const field of [...applied, ...rejected]) {
          const d = decided.get(field);
          // A field name the person made up is free text: kept encrypted like the reasons.
          await deps.requests.recordStep(trx, ctx, view.id, {
            kind: 'rectification_decision',
            summary: `${field}: ${applied.includes(field as RectifiableField) ? (d ? 'approved' : 'applied by policy') : 'rejected'}`,
            personal: !isRectifiableField(field),
          });
          if (d)
            await deps.requests.recordStep(trx, ctx, view.id, {
              kind: 'rectification_reason',
              summary: `${field}: ${d.reason.trim()}`,
              personal: true,
            });
        }
        if (applied.length > 0) {
          await deps.requests.recordStep(trx, ctx, view.id, {
            kind: 'recipients_notified',
            summary: `Art. 19 recipients: ${recipients.length === 0 ? 'none' : recipients.join(', ')}`,
          });
          await deps.privacyEvents.emit(trx, {
            type: 'person.rectified',
            workspaceId: ctx.workspaceId,
            subjectPseudonym: pseudonym,
            data: {
              requestId: view.id,
              reference: view.reference,
              fields: applied,
              recipients: recipients.length,
            },
          });
        }
        for (const sentence of outcome) await deps.requests.addOutcome(trx, ctx, view.id, sentence);
        return completeRequest(deps.requests, trx, ctx, view.id);
      });
      return { request, applied, rejected, recipients, outcome };
    },
  };
}

export type RectificationFulfilment = ReturnType<typeof createRectificationFulfilment>;
