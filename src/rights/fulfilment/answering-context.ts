import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { requestPurposeKey } from '../../kernel/purposes/request-purpose.ts';

/**
 * The context fulfilment touches the person's data in (ADR 0034): the built-in `data_subject_requests` purpose
 * instead of the caller's, with the request answered and the person it is about, so that the gate admits a restricted
 * or objecting person for their own request only, and its audit entries name the purpose and the request. The actor,
 * role and HTTP request id stay the caller's: the gate still checks that the role handles requests.
 *
 * @example
 * await deps.accessExporter.build(db, answeringContext(ctx, view.id, personId), personId, { kind, language });
 */
export function answeringContext(
  ctx: ProcessingContext,
  requestId: string,
  personId: string | null,
): ProcessingContext {
  return {
    ...ctx,
    purpose: requestPurposeKey,
    answering: { requestId, personIds: personId === null ? [] : [personId] },
  };
}
