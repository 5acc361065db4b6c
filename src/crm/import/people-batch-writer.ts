import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { PeopleService } from '../../kernel/people/people-service.ts';
import type { ProvenanceSource } from '../../kernel/people/person-fields.ts';
import type { PersonInput } from '../../kernel/people/person-input.ts';
import { toPersonInput, type ImportValues } from './import-row.ts';

/** Provenance stamped on every record an import writes. */
export interface ImportStamp {
  readonly source: string;
  readonly importId: string;
  /** Country of national phone numbers. */
  readonly defaultCountry: string | null;
}

/**
 * What the importer needs from the people area: a transactional bulk create (one gate check, one audit entry) that
 * also runs `within` in its transaction, so that a batch's people and the import's progress commit together; an
 * update of one existing person (policy `update`); the suppression check.
 */
export interface PeopleBatchWriter {
  createMany(ctx: ProcessingContext, people: readonly (PersonInput)[], stamp: ImportStamp, within: (trx: Kysely<Database>) => Promise<void>): Promise<void>;
  /** The person's new version, or null when the row had nothing to change. */
  update(ctx: ProcessingContext, personId: string, version: number, values: ImportValues, stamp: ImportStamp): Promise<number | null>;
  /** Indexes of the items whose email or phone is on the suppression list. */
  findSuppressed(workspaceId: string, items: readonly ImportValues[]): Promise<number[]>;
}

/**
 * The people service as the importer's writer. An update (policy `update`) changes the row's values but leaves emails
 * and phones as they are (the row matched on one of them; changing the primary is a person's decision) and tags too
 * (a patch would replace the whole list), stamping the changed values with the import's provenance.
 *
 * @example
 * const writer = peopleBatchWriter(people);
 */
export function peopleBatchWriter(people: Pick<PeopleService, 'createMany' | 'update' | 'findSuppressed'>): PeopleBatchWriter {
  const provenance = (stamp: ImportStamp) => ({ source: stamp.source as ProvenanceSource, importId: stamp.importId });
  return {
    async createMany(ctx, items, stamp, within) {
      await people.createMany(ctx, items, { ...provenance(stamp), ...(stamp.defaultCountry ? { defaultCountry: stamp.defaultCountry } : {}) }, (trx) => within(trx));
    },
    async update(ctx, personId, version, values, stamp) {
      // Tags are left as they are too: a patch's tags replace the whole list.
      const { email: _email, phone: _phone, tags: _tags, ...patch } = values;
      if (Object.keys(patch).length === 0) return null;
      return (await people.update(ctx, personId, version, { ...toPersonInput(patch), provenance: provenance(stamp) })).version;
    },
    findSuppressed: (workspaceId, items) => people.findSuppressed(workspaceId, items),
  };
}
