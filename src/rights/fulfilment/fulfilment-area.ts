import { createAccessFulfilment, type AccessFulfilmentService } from './fulfil-access.ts';
import {
  createConsentWithdrawalFulfilment,
  type ConsentWithdrawalFulfilmentService,
} from './fulfil-consent-withdrawal.ts';
import { createErasureFulfilment, type ErasureFulfilmentService } from './fulfil-erasure.ts';
import { createObjectionFulfilment, type ObjectionFulfilmentService } from './fulfil-objection.ts';
import { createRectificationFulfilment, type RectificationFulfilment } from './fulfil-rectification.ts';
import { createRestrictionFulfilment, type RestrictionFulfilmentService } from './fulfil-restriction.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';
import { createRectificationPolicy, type RectificationPolicy } from './rectification-policy.ts';

/** Fulfilment of data subject requests, one service per right (`AppServices.fulfilment`). */
export interface Fulfilment {
  readonly access: AccessFulfilmentService;
  readonly rectification: RectificationFulfilment;
  readonly rectificationPolicy: RectificationPolicy;
  readonly erasure: ErasureFulfilmentService;
  readonly restriction: RestrictionFulfilmentService;
  readonly objection: ObjectionFulfilmentService;
  readonly consentWithdrawal: ConsentWithdrawalFulfilmentService;
}

/**
 * Wires request fulfilment over the request inbox, the access exporter and the kernel's people, standing and erasure
 * services. Every action checks the request (type, verified identity, open, `If-Match`), acts through the kernel
 * (gate and audit there), then records the steps, the outcome for the person and the new status in one transaction.
 *
 * @example
 * const fulfilment = createFulfilment({ db, clock, requests, accessExporter, people, standing, erasure, purposes,
 *   processors: governance.processors, privacyEvents, mailerFor: consentChannels.mailSettings.mailerFor });
 * await fulfilment.erasure.erase(ctx, requestId, { expectedVersion: 2 });
 */
export function createFulfilment(deps: FulfilmentDeps): Fulfilment {
  const rectificationPolicy = createRectificationPolicy({ dialect: deps.db.dialect, clock: deps.clock });
  return {
    access: createAccessFulfilment(deps),
    rectification: createRectificationFulfilment(deps, rectificationPolicy),
    rectificationPolicy,
    erasure: createErasureFulfilment(deps),
    restriction: createRestrictionFulfilment(deps),
    objection: createObjectionFulfilment(deps),
    consentWithdrawal: createConsentWithdrawalFulfilment(deps),
  };
}
