import type { DialectName } from '../../db/database.ts';
import type { OrganisationStore } from '../../governance/organisation/organisation-store.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import type { PrivacyEvents } from '../../kernel/events/privacy-events.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { createIncidentRecipients, type IncidentRecipients } from './incident-recipients.ts';
import { createIncidentRegister, type IncidentRegister } from './incident-register.ts';

/** The incident and breach register with its audience (`AppServices.incidents`; alerts call `openFromAlert`). */
export interface IncidentsArea extends IncidentRegister {
  readonly recipients: IncidentRecipients;
}

export interface IncidentsAreaDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly catalogue: Catalogue;
  readonly purposes: PurposeRegister;
  readonly organisation: Pick<OrganisationStore, 'get'>;
  readonly privacyEvents: Pick<PrivacyEvents, 'emit'>;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly gate: Gate;
}

/**
 * Wires the incident register and its recipient list.
 *
 * @example
 * const incidents = createIncidentsArea({ dialect, clock, catalogue, purposes, organisation: governance.organisation, privacyEvents, keys, fieldCipher, gate });
 * await incidents.openFromAlert(trx, ctx, fromAlert);
 */
export function createIncidentsArea(deps: IncidentsAreaDeps): IncidentsArea {
  const register = createIncidentRegister(deps);
  return { ...register, recipients: createIncidentRecipients(deps) };
}
