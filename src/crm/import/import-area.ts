import type { Db } from '../../db/database.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { BlindIndex } from '../../kernel/crypto/blind-index.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { PeopleService } from '../../kernel/people/people-service.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { createDuplicateService, type DuplicateService } from '../duplicates/duplicate-service.ts';
import { createImportService, type ImportService } from './import-service.ts';
import { personRowValidator } from './import-row.ts';
import { peopleBatchWriter } from './people-batch-writer.ts';

/** The services of imports and duplicate detection, as `AppServices` carries them. */
export interface ImportArea {
  /** CSV imports of people (streamed, transactional batches, resumable). */
  readonly imports: ImportService;
  /** Possible duplicates of a candidate, and suspected pairs. */
  readonly duplicates: DuplicateService;
}

/**
 * @example
 * const importArea = createImportArea({ db, clock, gate, keys, fieldCipher, blindIndex, people, purposes });
 */
export function createImportArea(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly gate: Gate;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly blindIndex: BlindIndex;
  readonly people: PeopleService;
  readonly purposes: Pick<PurposeRegister, 'find'>;
  /** Test hook passed to the importer (throw to simulate a crash after a batch). */
  readonly afterBatch?: (batchNumber: number) => void | Promise<void>;
  readonly batchSize?: number;
  readonly maxBytes?: number;
}): ImportArea {
  const matcher = { blindIndex: deps.blindIndex, keys: deps.keys, fieldCipher: deps.fieldCipher };
  return {
    imports: createImportService({
      db: deps.db,
      clock: deps.clock,
      gate: deps.gate,
      purposes: deps.purposes,
      matcher,
      people: peopleBatchWriter(deps.people),
      validator: personRowValidator,
      ...(deps.afterBatch ? { afterBatch: deps.afterBatch } : {}),
      ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
      ...(deps.maxBytes ? { maxBytes: deps.maxBytes } : {}),
    }),
    duplicates: createDuplicateService({ db: deps.db, gate: deps.gate, ...matcher }),
  };
}
