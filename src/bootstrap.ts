import { randomUUID } from 'node:crypto';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { Clock } from './kernel/clock.ts';
import { appendAudit } from './kernel/audit/audit-log.ts';
import { hashPassword } from './identity/password-hash.ts';
import { randomSecret } from './identity/secret-hash.ts';
import { createWorkspace, seedBuiltinRoles, type WorkspaceSeeder } from './workspaces/create-workspace.ts';
import { seedCatalogue } from './kernel/catalogue/seed-catalogue.ts';
import { seedPurposes, seedRequestPurpose } from './kernel/purposes/purpose-register.ts';
import { seedRequestAttributes } from './rights/requests/request-attributes.ts';
import { seedContentCatalogue } from './crm/activities/seed-content-catalogue.ts';
import { seedDefaultPipeline } from './crm/deals/pipelines/seed-default-pipeline.ts';
import { seedStarterModules } from './governance/training/seed-starter-modules.ts';

/** Seeders every new workspace runs, in order. Each area that seeds private defaults adds itself here. */
export const workspaceSeeders: readonly WorkspaceSeeder[] = [seedBuiltinRoles, seedCatalogue, seedPurposes, seedRequestPurpose, seedRequestAttributes, seedDefaultPipeline, seedStarterModules, seedContentCatalogue];

export interface FirstStartResult {
  readonly workspaceId: string;
  /** Set when this start created the owner with a generated password, to print once. */
  readonly generatedOwner?: { email: string; password: string };
}

/**
 * On first start: creates the workspace and, when no user exists, the owner account, from
 * `CUSTODIAN_ADMIN_EMAIL`/`CUSTODIAN_ADMIN_PASSWORD` or as `admin@localhost` with a random password.
 */
export async function ensureFirstStart(deps: { config: Config; db: Db; clock: Clock }): Promise<FirstStartResult> {
  const { db, clock, config } = deps;
  const existing = await db.kysely.selectFrom('workspaces').select('id').orderBy('created_at').executeTakeFirst();
  const workspaceId =
    existing?.id ??
    (await createWorkspace({ db: db.kysely, clock, seeders: workspaceSeeders }, { name: 'My organisation' }));
  const anyUser = await db.kysely.selectFrom('users').select('id').executeTakeFirst();
  if (anyUser) return { workspaceId };

  const email = (config.adminEmail ?? 'admin@localhost').toLowerCase();
  const generated = config.adminPassword === undefined;
  const password = config.adminPassword ?? randomSecret(18);
  const passwordHash = await hashPassword(password);
  const owner = await db.kysely
    .selectFrom('roles')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', 'owner')
    .executeTakeFirstOrThrow();
  const now = clock.now().toISOString();
  const userId = randomUUID();
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values({
        id: userId,
        workspace_id: workspaceId,
        email,
        name: 'Owner',
        password_hash: passwordHash,
        role_id: owner.id,
        disabled: 0,
        mfa_secret: null,
        mfa_enabled: 0,
        mfa_last_step: null,
        password_changed_at: now,
        last_sign_in_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      workspaceId,
      actor: { type: 'system', id: 'first-start' },
      action: 'user.create',
      outcome: 'allowed',
      resourceType: 'user',
      resourceId: userId,
      details: { role: 'owner', generatedPassword: generated },
    });
  });
  return generated ? { workspaceId, generatedOwner: { email, password } } : { workspaceId };
}
