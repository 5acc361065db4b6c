import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { createDpiaStore, type DpiaStore } from '../dpia/dpia-store.ts';
import { createProcessorStore, type ProcessorStore } from '../processors/processor-store.ts';
import { createRopaService, type RopaService } from '../ropa/ropa-service.ts';
import type { SecurityFacts } from '../ropa/security-measures.ts';
import { createTransferStore, type TransferStore } from '../transfers/transfer-store.ts';
import { createOrganisationStore, type OrganisationStore } from './organisation-store.ts';

/** The governance registers of the app (`AppServices.governance`). */
export interface GovernanceArea {
  readonly organisation: OrganisationStore;
  readonly processors: ProcessorStore;
  readonly transfers: TransferStore;
  readonly ropa: RopaService;
  readonly dpias: DpiaStore;
}

export interface GovernanceAreaDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly catalogue: Catalogue;
  readonly purposes: PurposeRegister;
  readonly securityFacts: (db: Kysely<Database>, workspaceId: string) => Promise<SecurityFacts>;
}

/**
 * Wires the governance registers: every change of the organisation, a processor or a transfer records a new version
 * of the records of processing when their content changed.
 *
 * @example
 * const governance = createGovernanceArea({ dialect, clock, catalogue, purposes, securityFacts });
 * await governance.ropa.record(db, workspaceId, 'on_demand');
 */
export function createGovernanceArea(deps: GovernanceAreaDeps): GovernanceArea {
  const base = { dialect: deps.dialect, clock: deps.clock };
  const organisationStore = createOrganisationStore(base);
  // Bound below once the records exist; the stores only call it after a change, long after wiring.
  const ropaRef: { current?: RopaService } = {};
  const afterChange = async (db: Kysely<Database>, workspaceId: string) => {
    await ropaRef.current?.record(db, workspaceId, 'change');
  };
  const organisation: OrganisationStore = {
    ...organisationStore,
    async put(db, ctx, expectedVersion, settings) {
      const saved = await organisationStore.put(db, ctx, expectedVersion, settings);
      await afterChange(db, ctx.workspaceId);
      return saved;
    },
  };
  const processors = createProcessorStore({ ...base, catalogue: deps.catalogue, purposes: deps.purposes, afterChange });
  const transfers = createTransferStore({ ...base, processors, afterChange });
  const ropa = createRopaService({
    catalogue: deps.catalogue,
    purposes: deps.purposes,
    organisation,
    processors,
    transfers,
    securityFacts: deps.securityFacts,
    now: () => deps.clock.now(),
  });
  ropaRef.current = ropa;
  const dpias = createDpiaStore({ ...base, catalogue: deps.catalogue, purposes: deps.purposes });
  return { organisation, processors, transfers, ropa, dpias };
}
