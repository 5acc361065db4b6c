import type { DialectName } from '../../db/database.ts';
import { createCatalogue, type Catalogue } from '../catalogue/create-catalogue.ts';
import type { Clock } from '../clock.ts';
import { createPurposeRegister, type PurposeRegister } from '../purposes/purpose-register.ts';
import {
  createStandingService,
  type PersonExists,
  type StandingDeps,
  type StandingService,
} from '../standing/standing-service.ts';
import { createGate, type ActorPrecondition, type Gate, type PseudonymLookup } from './create-gate.ts';

export interface PrivacyKernel {
  readonly catalogue: Catalogue;
  readonly purposes: PurposeRegister;
  readonly gate: Gate;
  readonly standing: StandingService;
}

export interface PrivacyKernelDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  /** Pseudonym of each person, for audit entries (the people area provides it). */
  readonly pseudonymsOf?: PseudonymLookup;
  /** Whether a person exists in the workspace (the people area provides it); without it ids are format-checked. */
  readonly personExists?: PersonExists;
  /** Called when an objection is upheld (the people area writes suppression entries). */
  readonly onObjectionUpheld?: StandingDeps['onObjectionUpheld'];
  /** Cache lifetime for purposes and catalogue seen from other processes (default 2 s). */
  readonly cacheTtlMs?: number;
  /** Checked by the gate before each decision (the training area's gate). */
  readonly actorPrecondition?: ActorPrecondition;
  /** Privacy events hub (consent, objections, restrictions are emitted in their transactions). */
  readonly events?: StandingDeps['events'];
}

/**
 * Wires the catalogue, purpose register, standing service and gate together, sharing one purpose cache.
 *
 * @example
 * const { gate, purposes } = createPrivacyKernel({ dialect: db.dialect, clock, pseudonymsOf });
 */
export function createPrivacyKernel(deps: PrivacyKernelDeps): PrivacyKernel {
  const base = {
    dialect: deps.dialect,
    clock: deps.clock,
    ...(deps.cacheTtlMs !== undefined ? { cacheTtlMs: deps.cacheTtlMs } : {}),
  };
  const catalogue = createCatalogue(base);
  const purposes = createPurposeRegister({ ...base, catalogue });
  const people = {
    ...(deps.pseudonymsOf ? { pseudonymsOf: deps.pseudonymsOf } : {}),
    ...(deps.personExists ? { personExists: deps.personExists } : {}),
  };
  const gate = createGate({
    ...base,
    catalogue,
    purposes,
    ...people,
    ...(deps.actorPrecondition ? { actorPrecondition: deps.actorPrecondition } : {}),
  });
  const standing = createStandingService({
    ...base,
    purposes,
    ...people,
    ...(deps.onObjectionUpheld ? { onObjectionUpheld: deps.onObjectionUpheld } : {}),
    ...(deps.events ? { events: deps.events } : {}),
  });
  return { catalogue, purposes, gate, standing };
}
