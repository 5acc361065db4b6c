import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { RequestInbox } from '../requests/request-service.ts';
import { finalRequestStatuses, type RequestType, type RequestView } from '../requests/request-types.ts';

/** A request that may be fulfilled now, with the person it is about. */
export interface OpenRequest {
  readonly view: RequestView;
  readonly personId: string;
}

const unverified = new Set(['received', 'identity_unverified']);

/**
 * Loads a request and checks that this action may fulfil it: the type is one of `types`, the identity is verified,
 * the request is not closed (unless `allowCompleted`, for steps that follow a completed request such as lifting a
 * restriction), a person is linked, and `expectedVersion` (the `If-Match` of the caller) is current.
 *
 * @example
 * const { view, personId } = await openRequest(requests, db, ctx, id, ['erasure'], { expectedVersion: 3 });
 */
export async function openRequest(
  requests: Pick<RequestInbox, 'open'>,
  db: Kysely<Database>,
  ctx: ActorContext,
  requestId: string,
  types: readonly RequestType[],
  options: { readonly expectedVersion?: number | undefined; readonly allowCompleted?: boolean } = {},
): Promise<OpenRequest> {
  // `open` audits a refused read (unknown id, another workspace's).
  const view = await requests.open(db, ctx, requestId);
  if (!types.includes(view.type))
    throw new AppError('FULFILMENT_WRONG_TYPE', { requestType: view.type, expected: [...types] });
  const closed =
    finalRequestStatuses.includes(view.status) && !(options.allowCompleted && view.status === 'completed');
  if (closed) throw new AppError('FULFILMENT_CLOSED', { status: view.status });
  if (unverified.has(view.status)) throw new AppError('FULFILMENT_NOT_VERIFIED', { status: view.status });
  if (options.expectedVersion !== undefined && options.expectedVersion !== view.version) {
    throw new AppError('PRECONDITION_FAILED', { detail: 'The request changed since you read it' });
  }
  if (view.personId === null) throw new AppError('FULFILMENT_NO_PERSON');
  return { view, personId: view.personId };
}

/**
 * Moves an open request to `in_progress` when it is not there yet (verified, awaiting information or extended
 * requests stay as they are when already past it).
 */
export async function markInProgress(
  requests: Pick<RequestInbox, 'transition'>,
  trx: Kysely<Database>,
  ctx: ActorContext,
  view: RequestView,
): Promise<void> {
  if (view.status === 'verified' || view.status === 'awaiting_information')
    await requests.transition(trx, ctx, view.id, 'in_progress');
}

/** Completes a request (through `in_progress` when the lifecycle needs it), read again in `trx`; returns the new view. */
export async function completeRequest(
  requests: Pick<RequestInbox, 'transition' | 'get'>,
  trx: Kysely<Database>,
  ctx: ActorContext,
  requestId: string,
): Promise<RequestView> {
  await markInProgress(requests, trx, ctx, await requests.get(trx, ctx.workspaceId, requestId));
  return requests.transition(trx, ctx, requestId, 'completed');
}

/** The pseudonym of a person (for privacy events), or null when the row is gone. */
export async function pseudonymOf(
  db: Kysely<Database>,
  workspaceId: string,
  personId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('persons')
    .select('pseudonym')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', personId)
    .executeTakeFirst();
  return row?.pseudonym ?? null;
}
