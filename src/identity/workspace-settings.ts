import { Type, type TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import { auditBase, type ActingContext, type IdentityDeps } from './identity-deps.ts';

/**
 * The workspace settings an administrator may change, each with its own schema. The keys and defaults match
 * `defaultSettings` in `src/workspaces/create-workspace.ts`; an area that adds a setting adds it to both.
 * Values that are personal data (the DPO's email) are never written to the audit log: only the keys changed are.
 */
export const settingSchemas = {
  'organisation.name': Type.String({ minLength: 1, maxLength: 200, description: 'Display name of the organisation' }),
  'organisation.dpoEmail': Type.Union([Type.Literal(''), Type.String({ format: 'email', maxLength: 254 })], {
    description: 'Contact address of the data protection officer (empty when none)',
  }),
  'encryption.enabled': Type.Literal(true, { description: 'Per-person encryption at rest; it cannot be turned off' }),
  regime: Type.Union([Type.Literal('gdpr'), Type.Literal('uk-gdpr'), Type.Literal('ccpa')], {
    description: 'Legal regime applied by default',
  }),
  'training.requiredBeforePersonalData': Type.Boolean({
    description: 'Keep users away from personal data until the training assigned to their role is complete',
  }),
  'consent.gpcPurposes': Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' }), {
    maxItems: 50,
    description: 'Purposes a Global Privacy Control signal opts the person out of (sale, sharing, targeted advertising)',
  }),
} as const satisfies Record<string, TSchema>;

export type SettingKey = keyof typeof settingSchemas;
export const settingKeys = Object.keys(settingSchemas) as SettingKey[];

/** Body schema of `PATCH /settings`: any subset of the known keys, nothing else. */
export const SettingsPatch = Type.Partial(Type.Object(settingSchemas), { additionalProperties: false, minProperties: 1 });

/** The known settings of a workspace, in a stable order. */
export async function listSettings(db: Kysely<Database>, workspaceId: string): Promise<{ key: string; value: unknown }[]> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('workspace_id', '=', workspaceId).orderBy('key').execute();
  return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as unknown }));
}

/**
 * Changes some settings in one transaction with one audit entry naming the keys changed (not the values).
 *
 * @example
 * await updateSettings(deps, ctx, { 'organisation.name': 'Acme' });
 */
export async function updateSettings(
  deps: Pick<IdentityDeps, 'db' | 'clock'>,
  ctx: ActingContext,
  patch: Partial<Record<SettingKey, unknown>>,
): Promise<{ key: string; value: unknown }[]> {
  const { db, clock } = deps;
  const keys = Object.keys(patch).filter((k): k is SettingKey => (settingKeys as string[]).includes(k));
  if (keys.length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'Name at least one known setting' });
  const now = clock.now().toISOString();
  await db.kysely.transaction().execute(async (trx) => {
    for (const key of keys) {
      const value = JSON.stringify(patch[key]);
      await trx
        .insertInto('settings')
        .values({ workspace_id: ctx.workspaceId, key, value, updated_at: now })
        .onConflict((oc) => oc.columns(['workspace_id', 'key']).doUpdateSet({ value, updated_at: now }))
        .execute();
    }
    if (patch.regime !== undefined) {
      await trx.updateTable('workspaces').set({ regime: String(patch.regime) }).where('id', '=', ctx.workspaceId).execute();
    }
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'settings.update',
      outcome: 'allowed',
      resourceType: 'settings',
      resourceId: ctx.workspaceId,
      details: { keys },
    });
  });
  return listSettings(db.kysely, ctx.workspaceId);
}
