import type { Db } from '../../db/database.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { BlindIndex } from '../../kernel/crypto/blind-index.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import type { EraserRegistry } from '../../kernel/erasure/person-erasers.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { PersonReassignerRegistry } from '../merge/person-reassigners.ts';
import { createCustomFieldDefinitions, type CustomFieldDefinitions } from './custom-field-definitions.ts';
import { createCustomFieldValues, type CustomFieldValues } from './custom-field-values.ts';
import { customValueEraser } from './custom-value-eraser.ts';
import { createCustomValueReassigner } from './custom-value-reassigner.ts';

/** Custom fields as `AppServices` carries them. */
export interface CustomFieldArea {
  readonly definitions: CustomFieldDefinitions;
  readonly values: CustomFieldValues;
}

/**
 * Builds the custom-field services and registers the eraser and the merge reassigner of person values.
 *
 * @example
 * const customFields = createCustomFieldArea({ db, clock, keys, fieldCipher, blindIndex, gate, catalogue, purposes, erasers, personReassigners });
 */
export function createCustomFieldArea(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly blindIndex: BlindIndex;
  readonly gate: Gate;
  readonly catalogue: Catalogue;
  readonly purposes: PurposeRegister;
  readonly erasers: EraserRegistry;
  readonly personReassigners: PersonReassignerRegistry;
}): CustomFieldArea {
  deps.erasers.register(customValueEraser);
  deps.personReassigners.register(createCustomValueReassigner(deps));
  return { definitions: createCustomFieldDefinitions(deps), values: createCustomFieldValues(deps) };
}
