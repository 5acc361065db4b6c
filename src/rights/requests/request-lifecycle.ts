import { AppError } from '../../errors.ts';
import { finalRequestStatuses, type RequestStatus } from './request-types.ts';

/**
 * The allowed moves of a request's status. Identity comes first: nothing but verification, refusal or cancellation
 * leaves `received`/`identity_unverified`, so no request is fulfilled unverified. `extended` is entered through the
 * extension (deadline rules in request-deadlines.ts), never by a plain move. Final statuses have no way out.
 */
export const requestTransitions: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = Object.freeze({
  received: ['identity_unverified', 'verified', 'refused', 'cancelled'],
  identity_unverified: ['verified', 'refused', 'cancelled'],
  verified: ['in_progress', 'awaiting_information', 'extended', 'completed', 'refused', 'cancelled'],
  in_progress: ['awaiting_information', 'extended', 'completed', 'refused', 'cancelled'],
  awaiting_information: ['in_progress', 'extended', 'completed', 'refused', 'cancelled'],
  extended: ['in_progress', 'awaiting_information', 'completed', 'refused', 'cancelled'],
  completed: [],
  refused: [],
  cancelled: [],
});

/** Whether a status is final (completed, refused, cancelled). */
export function isFinalStatus(status: RequestStatus): boolean {
  return finalRequestStatuses.includes(status);
}

/**
 * Throws `REQUEST_TRANSITION_REFUSED` (with both statuses, no personal data) unless `from -> to` is allowed, and
 * `VALIDATION_FAILED` when refusing without a reason.
 *
 * @example
 * assertTransition('identity_unverified', 'completed') // throws REQUEST_TRANSITION_REFUSED
 */
export function assertTransition(from: RequestStatus, to: RequestStatus, reason?: string): void {
  if (!requestTransitions[from].includes(to)) {
    const detail = isFinalStatus(from)
      ? `the request is ${from}: a final status does not change`
      : `a request that is ${from} cannot become ${to}`;
    throw new AppError('REQUEST_TRANSITION_REFUSED', {
      from,
      to,
      allowed: [...requestTransitions[from]],
      detail,
    });
  }
  if (to === 'refused' && (reason === undefined || reason.trim() === '')) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'reason',
      detail: 'a refusal needs a reason the person is told (Art. 12(4))',
    });
  }
}
