import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { builtinRoleKeys, builtinRoles } from '../identity/permissions.ts';
import { genesisHash } from '../kernel/audit/audit-hash.ts';

/** Something that fills a new workspace with its private-by-default starting state (roles, purposes, …). */
export type WorkspaceSeeder = (trx: Kysely<Database>, workspaceId: string, clock: Clock) => Promise<void>;

/** Defaults a new workspace starts with: private by default (ARCHITECTURE invariant 7). */
export const defaultSettings: Record<string, unknown> = {
  'organisation.name': 'My organisation',
  'organisation.dpoEmail': '',
  'encryption.enabled': true,
  'regime': 'gdpr',
  'training.requiredBeforePersonalData': false,
  'consent.gpcPurposes': ['email_marketing'],
};

/** Seeds the seven built-in roles. */
export const seedBuiltinRoles: WorkspaceSeeder = async (trx, workspaceId, clock) => {
  const now = clock.now().toISOString();
  for (const key of builtinRoleKeys) {
    const role = builtinRoles[key];
    await trx
      .insertInto('roles')
      .values({
        id: randomUUID(),
        workspace_id: workspaceId,
        key,
        name: role.name,
        description: role.description,
        builtin: 1,
        permissions: JSON.stringify(role.permissions),
        purposes: JSON.stringify(role.purposes),
        data_categories: JSON.stringify(role.dataCategories),
        default_purpose: role.defaultPurpose,
        require_mfa: role.requireMfa ? 1 : 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
};

/**
 * Creates a workspace with its chain head, settings and whatever the seeders add, in one transaction.
 *
 * @example
 * const id = await createWorkspace({ db: kysely, clock, seeders: [seedBuiltinRoles] }, { name: 'Acme' });
 */
export async function createWorkspace(
  deps: { db: Kysely<Database>; clock: Clock; seeders: readonly WorkspaceSeeder[] },
  input: { name: string; id?: string },
): Promise<string> {
  const id = input.id ?? randomUUID();
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('workspaces').values({ id, name: input.name, regime: 'gdpr', created_at: now }).execute();
    await trx.insertInto('audit_heads').values({ workspace_id: id, seq: 0, hash: genesisHash }).execute();
    for (const [key, value] of Object.entries(defaultSettings)) {
      await trx
        .insertInto('settings')
        .values({ workspace_id: id, key, value: JSON.stringify(value), updated_at: now })
        .execute();
    }
    for (const seed of deps.seeders) await seed(trx, id, deps.clock);
  });
  return id;
}
