import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../../errors.ts';
import { getCertificateOrThrow, type ErasureCertificate } from '../../kernel/erasure/erasure-certificate.ts';
import { decideKept, type KeptHolding } from '../../kernel/erasure/erasure-exceptions.ts';
import { activeHoldIdsFor } from '../../kernel/erasure/legal-holds.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { RequestView } from '../requests/request-types.ts';
import { requestPurposeKey } from '../../kernel/purposes/request-purpose.ts';
import { art19Recipients, recipientsSentence } from './art19-recipients.ts';
import { keptSentenceIn, outcomeTextsFor } from './outcome-texts.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';
import { completeRequest, markInProgress, openRequest, pseudonymOf } from './open-request.ts';

/** What an erasure would do now: blocked by legal holds, or erase everything but the kept holdings. */
export interface ErasurePreview {
  readonly request: RequestView;
  /** Ids of the active legal holds covering the person (erasure is refused while any is active). */
  readonly legalHolds: readonly string[];
  /** Holdings the Art. 17(3) exceptions keep, with the sentence the person would read. */
  readonly kept: readonly (KeptHolding & { readonly sentence: string })[];
  readonly recipients: readonly string[];
}

export interface ErasureFulfilment {
  readonly request: RequestView;
  /** The certificate of erasure, or null when a legal hold refused it. */
  readonly certificate: ErasureCertificate | null;
  readonly outcome: readonly string[];
  readonly recipients: readonly string[];
}

const day = (iso: string) => iso.slice(0, 10);

/** The sentence a person reads about data kept despite the erasure (Art. 17(3)), without personal data. */
export function keptSentence(k: KeptHolding, language = 'en'): string {
  return keptSentenceIn(outcomeTextsFor(language), k);
}

/**
 * Erasure (Art. 17) through the kernel's one pipeline (trigger `request`): the preview lists legal holds and the
 * Art. 17(3) exceptions from the same inventory and rules the pipeline uses; the erasure turns each kept holding
 * into a sentence for the person, links the certificate on the timeline and returns it, and lists the Art. 19
 * recipients. A legal hold refuses the request with its reason.
 *
 * @example
 * const erasure = createErasureFulfilment(deps);
 * const preview = await erasure.preview(ctx, requestId);
 * const { certificate } = await erasure.erase(ctx, requestId, { expectedVersion: 2 });
 */
export function createErasureFulfilment(deps: FulfilmentDeps) {
  const db = deps.db.kysely;

  const service = {
    async preview(ctx: ProcessingContext, requestId: string): Promise<ErasurePreview> {
      const { view, personId } = await openRequest(deps.requests, db, ctx, requestId, ['erasure']);
      const pseudonym = await pseudonymOf(db, ctx.workspaceId, personId);
      if (pseudonym === null) throw new AppError('NOT_FOUND', { resource: 'person' });
      const at = deps.clock.now().toISOString();
      const target = { workspaceId: ctx.workspaceId, personId, pseudonym, runId: randomUUID(), at };
      const purposes = new Map((await deps.purposes.list(db, ctx.workspaceId)).map((p) => [p.key, p]));
      const kept: KeptHolding[] = [];
      for (const eraser of deps.erasure.erasers.list()) {
        if (!eraser.inventory) continue;
        kept.push(...decideKept(eraser.name, await eraser.inventory(db, target), purposes, at));
      }
      return {
        request: view,
        legalHolds: await activeHoldIdsFor(db, ctx.workspaceId, personId),
        kept: kept.map((k) => ({ ...k, sentence: keptSentence(k, view.language) })),
        recipients: await art19Recipients(deps, db, ctx.workspaceId),
      };
    },

    async erase(
      ctx: ProcessingContext,
      requestId: string,
      options: { readonly expectedVersion?: number | undefined },
    ): Promise<ErasureFulfilment> {
      const { view, personId } = await openRequest(deps.requests, db, ctx, requestId, ['erasure'], options);
      const recipients = await art19Recipients(deps, db, ctx.workspaceId);
      let certificate: ErasureCertificate;
      try {
        certificate = await deps.erasure.erasePerson({
          workspaceId: ctx.workspaceId,
          personId,
          trigger: 'request',
          actor: ctx.actor,
          // Audited under the built-in requests purpose, like every fulfilment (ADR 0034).
          purpose: requestPurposeKey,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
      } catch (error) {
        // Erased by an earlier attempt whose request update failed: finish the request with that certificate.
        const earlier =
          isAppError(error) && error.code === 'GONE'
            ? await certificateOf(ctx.workspaceId, personId)
            : undefined;
        if (earlier) return finish(ctx, view, earlier, recipients);
        if (!isAppError(error) || error.code !== 'LEGAL_HOLD') throw error;
        const holds = Array.isArray(error.details.holds) ? error.details.holds.length : 1;
        const reason = outcomeTextsFor(view.language).erasureRefusedLegalHold;
        const request = await db.transaction().execute(async (trx) => {
          await markInProgress(deps.requests, trx, ctx, view);
          await deps.requests.recordStep(trx, ctx, view.id, {
            kind: 'erasure_refused',
            summary: `Erasure refused: ${holds} active legal hold(s)`,
          });
          await deps.requests.addOutcome(trx, ctx, view.id, reason);
          return deps.requests.transition(trx, ctx, view.id, 'refused', reason);
        });
        return { request, certificate: null, outcome: [reason], recipients: [] };
      }
      return finish(ctx, view, certificate, recipients);
    },
  };
  return service;

  async function finish(
    ctx: ProcessingContext,
    view: RequestView,
    certificate: ErasureCertificate,
    recipients: string[],
  ): Promise<ErasureFulfilment> {
    const t = outcomeTextsFor(view.language);
    const outcome = [
      t.erased(day(certificate.issuedAt), certificate.id),
      ...certificate.kept.map((k) => keptSentenceIn(t, k)),
      recipientsSentence(recipients, view.language),
    ];
    const request = await db.transaction().execute(async (trx) => {
      await markInProgress(deps.requests, trx, ctx, view);
      await deps.requests.recordStep(trx, ctx, view.id, {
        kind: 'erasure_certificate',
        summary: `Erased; certificate ${certificate.id} (${certificate.kept.length} holding(s) kept under Art. 17(3))`,
      });
      await deps.requests.recordStep(trx, ctx, view.id, {
        kind: 'recipients_notified',
        summary: `Art. 19 recipients: ${recipients.length === 0 ? 'none' : recipients.join(', ')}`,
      });
      for (const sentence of outcome) await deps.requests.addOutcome(trx, ctx, view.id, sentence);
      return completeRequest(deps.requests, trx, ctx, view.id);
    });
    return { request, certificate, outcome, recipients };
  }

  async function certificateOf(
    workspaceId: string,
    personId: string,
  ): Promise<ErasureCertificate | undefined> {
    const pseudonym = await pseudonymOf(db, workspaceId, personId);
    if (pseudonym === null) return undefined;
    const row = await db
      .selectFrom('erasure_certificates')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('subject_pseudonym', '=', pseudonym)
      .orderBy('issued_at', 'desc')
      .executeTakeFirst();
    return row ? getCertificateOrThrow(db, workspaceId, row.id) : undefined;
  }
}

export type ErasureFulfilmentService = ReturnType<typeof createErasureFulfilment>;
