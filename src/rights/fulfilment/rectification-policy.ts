import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';

/** Person fields a rectification request may change (the others are rejected with a reason). */
export const rectifiableFields = ['firstName', 'lastName', 'email', 'phone', 'jobTitle'] as const;
export type RectifiableField = (typeof rectifiableFields)[number];

export function isRectifiableField(field: string): field is RectifiableField {
  return (rectifiableFields as readonly string[]).includes(field);
}

/** Workspace setting listing the fields whose proposed values are applied without a staff decision. */
export const autoApplySettingKey = 'rights.rectification.autoApply';

/**
 * The workspace's rectification policy: which fields are applied directly (stored in the settings table under
 * `rights.rectification.autoApply`; none by default, so every change is reviewed).
 *
 * @example
 * const policy = createRectificationPolicy({ dialect, clock });
 * await policy.save(db, ctx, ['firstName', 'lastName']);
 * await policy.autoApply(db, workspaceId); // ['firstName', 'lastName']
 */
export function createRectificationPolicy(deps: { readonly dialect: DialectName; readonly clock: Clock }) {
  return {
    async autoApply(db: Kysely<Database>, workspaceId: string): Promise<RectifiableField[]> {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', autoApplySettingKey)
        .executeTakeFirst();
      if (!row) return [];
      const value = JSON.parse(row.value) as unknown;
      return Array.isArray(value)
        ? value.filter((f): f is RectifiableField => typeof f === 'string' && isRectifiableField(f))
        : [];
    },

    /** Replaces the list (audited with the field names). */
    async save(
      db: Kysely<Database>,
      ctx: ActorContext,
      fields: readonly string[],
    ): Promise<RectifiableField[]> {
      const errors = fields.flatMap((f, i) =>
        isRectifiableField(f)
          ? []
          : [{ path: `/autoApply/${i}`, message: `must be one of ${rectifiableFields.join(', ')}` }],
      );
      if (errors.length > 0)
        throw new AppError('VALIDATION_FAILED', { detail: 'Unknown fields in the policy', errors });
      const clean = [...new Set(fields)].filter(isRectifiableField);
      const now = deps.clock.now().toISOString();
      const value = JSON.stringify(clean);
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('settings')
          .values({ workspace_id: ctx.workspaceId, key: autoApplySettingKey, value, updated_at: now })
          .onConflict((oc) => oc.columns(['workspace_id', 'key']).doUpdateSet({ value, updated_at: now }))
          .execute();
        await appendAudit(trx, deps, {
          workspaceId: ctx.workspaceId,
          actor: ctx.actor,
          action: 'settings.update',
          outcome: 'allowed',
          resourceType: 'settings',
          resourceId: ctx.workspaceId,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
          details: { keys: [autoApplySettingKey], fields: clean },
        });
      });
      return clean;
    },
  };
}

export type RectificationPolicy = ReturnType<typeof createRectificationPolicy>;
