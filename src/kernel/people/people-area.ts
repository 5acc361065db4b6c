import type { CustomFilterConfirmer } from './people-list-query.ts';
import type { PrivacyEvents } from '../events/privacy-events.ts';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../clock.ts';
import type { BlindIndex } from '../crypto/blind-index.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { KeyService } from '../crypto/key-service.ts';
import { createErasurePipeline, type ErasurePipeline } from '../erasure/erasure-pipeline.ts';
import { createEraserRegistry } from '../erasure/person-erasers.ts';
import { createStandingEraser } from '../erasure/standing-eraser.ts';
import { createSuppressionList, type SuppressionList } from '../erasure/suppression-list.ts';
import type { Catalogue } from '../catalogue/create-catalogue.ts';
import type { Gate } from '../gate/create-gate.ts';
import type { PurposeRegister } from '../purposes/purpose-register.ts';
import { eraseStanding } from '../standing/erase-standing.ts';
import { createPeopleService, type PeopleService } from './people-service.ts';
import { createPersonDetailsErasers } from './person-details-eraser.ts';

/** The services of the people area, as `AppServices` carries them. */
export interface PeopleArea {
  /** People use-cases (create, read, update, list, lookup, erase). */
  readonly people: PeopleService;
  /** The one erasure pipeline; features add erasers with `erasure.erasers.register(…)`. */
  readonly erasure: ErasurePipeline;
  /** Keyed hashes of erased or objecting people's email and phone. */
  readonly suppression: SuppressionList;
}

/**
 * Wires people, the suppression list and the erasure pipeline (with the standing and person-details erasers
 * registered first).
 *
 * @example
 * const area = createPeopleArea({ db, clock, keys, fieldCipher, blindIndex, gate, purposes, catalogue, serverSecret: keyFiles.serverSecret });
 */
export function createPeopleArea(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly blindIndex: BlindIndex;
  readonly gate: Gate;
  readonly purposes: Pick<PurposeRegister, 'list' | 'getOrThrow' | 'find'>;
  readonly catalogue: Pick<Catalogue, 'assertDeclared' | 'categoryFacts'>;
  readonly serverSecret: Buffer;
  /** Folder of the suppression journal (the keys folder); without it the list lives in the database only. */
  readonly journalDir?: string;
  /** Privacy events hub (the pipeline emits `person.erased`). */
  readonly events?: PrivacyEvents;
  /** Filled in by the custom-field area: confirms custom-field list filters on decrypted values. */
  readonly customFilterConfirmer?: { current?: CustomFilterConfirmer };
}): PeopleArea {
  const suppression = createSuppressionList({ blindIndex: deps.blindIndex, ...(deps.journalDir ? { journalDir: deps.journalDir } : {}) });
  const erasure = createErasurePipeline({
    db: deps.db,
    clock: deps.clock,
    keys: deps.keys,
    fieldCipher: deps.fieldCipher,
    suppression,
    erasers: createEraserRegistry([
      createStandingEraser(eraseStanding),
      ...createPersonDetailsErasers({ keys: deps.keys, fieldCipher: deps.fieldCipher, suppression }),
    ]),
    purposeFacts: (db, workspaceId) => deps.purposes.list(db, workspaceId),
    serverSecret: deps.serverSecret,
    ...(deps.events ? { events: deps.events } : {}),
  });
  const people = createPeopleService({ ...deps, suppression, erasure });
  return { people, erasure, suppression };
}
