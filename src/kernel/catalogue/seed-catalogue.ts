import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../clock.ts';
import type { SourceType } from './catalogue-types.ts';

/** The person attributes Custodian itself stores, declared in every workspace. */
export const builtinPersonAttributes: readonly {
  readonly attribute: string;
  readonly category: string;
  readonly searchable: boolean;
  readonly source: SourceType;
  readonly retention: string;
  readonly description: string;
}[] = [
  {
    attribute: 'firstName',
    category: 'user.name.first',
    searchable: false,
    source: 'provided',
    retention: 'P3Y',
    description: 'First name',
  },
  {
    attribute: 'lastName',
    category: 'user.name.last',
    searchable: false,
    source: 'provided',
    retention: 'P3Y',
    description: 'Last name',
  },
  {
    attribute: 'email',
    category: 'user.contact.email',
    searchable: true,
    source: 'provided',
    retention: 'P3Y',
    description: 'Email address',
  },
  {
    attribute: 'phone',
    category: 'user.contact.phone_number',
    searchable: true,
    source: 'provided',
    retention: 'P3Y',
    description: 'Phone number',
  },
  {
    attribute: 'jobTitle',
    category: 'user.professional_information.job_title',
    searchable: false,
    source: 'provided',
    retention: 'P3Y',
    description: 'Job title',
  },
  {
    attribute: 'address',
    category: 'user.contact.address',
    searchable: false,
    source: 'provided',
    retention: 'P3Y',
    description: 'Postal address (street, city, postal code, region, country)',
  },
  {
    attribute: 'notes',
    category: 'user.content.private',
    searchable: false,
    source: 'provided',
    retention: 'P3Y',
    description: 'Private notes about the person',
  },
  {
    attribute: 'sourceDetail',
    category: 'user.content.private',
    searchable: false,
    source: 'provided',
    retention: 'P3Y',
    description: 'Where the data was obtained, in free text (Art. 14)',
  },
];

/**
 * Workspace seeder: declares the built-in person attributes (`person.firstName`, `person.lastName`, `person.email`,
 * `person.phone`, `person.jobTitle`, `person.address`, `person.notes`, `person.sourceDetail`).
 *
 * @example
 * export const workspaceSeeders = [seedBuiltinRoles, seedCatalogue];
 */
export async function seedCatalogue(trx: Kysely<Database>, workspaceId: string, clock: Clock): Promise<void> {
  const now = clock.now().toISOString();
  for (const a of builtinPersonAttributes) {
    await trx
      .insertInto('catalogue_attributes')
      .values({
        workspace_id: workspaceId,
        entity: 'person',
        attribute: a.attribute,
        category: a.category,
        special: 0,
        source: a.source,
        retention: a.retention,
        searchable: a.searchable ? 1 : 0,
        builtin: 1,
        description: a.description,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}
