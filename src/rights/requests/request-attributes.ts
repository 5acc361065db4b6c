import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';

/** Entity name of the request inbox's personal values in the data catalogue. */
export const requestEntity = 'request';

/**
 * The requester contact details a request holds (encrypted under the request's own key), declared in the catalogue so
 * that the gate can check their reads (ADR 0034). Kept as long as the request log (`P3Y`, the built-in requests
 * purpose's retention). A phone number is never stored on a request (an SMS-verified request is matched through the
 * phone blind index only), so only the email is declared.
 */
export const requestAttributes: readonly {
  readonly attribute: string;
  readonly category: string;
  readonly description: string;
}[] = [
  {
    attribute: 'requesterEmail',
    category: 'user.contact.email',
    description: 'Email address the requester gave, to answer their request',
  },
];

/**
 * Workspace seeder (and migration 0170 for older workspaces): declares the request attributes, once.
 *
 * @example
 * export const workspaceSeeders = [seedBuiltinRoles, seedCatalogue, seedPurposes, seedRequestPurpose, seedRequestAttributes];
 */
export async function seedRequestAttributes(trx: Kysely<Database>, workspaceId: string, clock: Clock): Promise<void> {
  const now = clock.now().toISOString();
  for (const a of requestAttributes) {
    const existing = await trx
      .selectFrom('catalogue_attributes')
      .select('attribute')
      .where('workspace_id', '=', workspaceId)
      .where('entity', '=', requestEntity)
      .where('attribute', '=', a.attribute)
      .executeTakeFirst();
    if (existing) continue;
    await trx
      .insertInto('catalogue_attributes')
      .values({
        workspace_id: workspaceId,
        entity: requestEntity,
        attribute: a.attribute,
        category: a.category,
        special: 0,
        source: 'provided',
        retention: 'P3Y',
        searchable: 1,
        builtin: 1,
        description: a.description,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}
