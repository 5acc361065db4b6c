import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import { alertRuleKeys, checkAlertRuleSet, defaultAlertRuleSet, type AlertRuleSet } from './alert-rules.ts';

/** A workspace's rule set with its version (0 while the defaults have never been changed). */
export interface StoredAlertRuleSet {
  readonly set: AlertRuleSet;
  readonly version: number;
  readonly updatedAt: string | null;
}

export interface AlertRuleStore {
  get(db: Kysely<Database>, workspaceId: string): Promise<StoredAlertRuleSet>;
  /** Replaces the rule set (rules left out take their defaults); refuses a malformed one naming each field. */
  put(
    db: Kysely<Database>,
    ctx: ActorContext,
    expectedVersion: number,
    input: unknown,
  ): Promise<StoredAlertRuleSet>;
}

/**
 * Detector settings per workspace, one JSON document, checked by `checkAlertRuleSet`, versioned for `If-Match` and
 * audited (`alert.rules.update`, with the changed rule keys only).
 *
 * @example
 * const rules = createAlertRuleStore({ dialect: db.dialect, clock });
 * const { set, version } = await rules.get(db.kysely, workspaceId);
 */
export function createAlertRuleStore(deps: {
  readonly dialect: DialectName;
  readonly clock: Clock;
}): AlertRuleStore {
  async function get(db: Kysely<Database>, workspaceId: string): Promise<StoredAlertRuleSet> {
    const row = await db
      .selectFrom('alert_rule_sets')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!row) return { set: defaultAlertRuleSet, version: 0, updatedAt: null };
    // Stored documents were checked on the way in; a rule added since takes its default.
    const stored = JSON.parse(row.document) as AlertRuleSet;
    return {
      set: { ...defaultAlertRuleSet, ...stored, rules: { ...defaultAlertRuleSet.rules, ...stored.rules } },
      version: row.version,
      updatedAt: row.updated_at,
    };
  }

  return {
    get,
    async put(db, ctx, expectedVersion, input) {
      const roles = await db
        .selectFrom('roles')
        .select('key')
        .where('workspace_id', '=', ctx.workspaceId)
        .execute();
      const set = checkAlertRuleSet(
        input,
        roles.map((r) => r.key),
      );
      await db.transaction().execute(async (trx) => {
        const current = await get(trx, ctx.workspaceId);
        if (current.version !== expectedVersion)
          throw new AppError('PRECONDITION_FAILED', {
            detail: 'The alert rules changed since you read them',
          });
        const now = deps.clock.now().toISOString();
        const row = {
          document: JSON.stringify(set),
          version: expectedVersion + 1,
          updated_at: now,
          updated_by: ctx.actor.id,
        };
        if (expectedVersion === 0) {
          await trx
            .insertInto('alert_rule_sets')
            .values({ workspace_id: ctx.workspaceId, ...row })
            .execute();
        } else {
          await trx
            .updateTable('alert_rule_sets')
            .set(row)
            .where('workspace_id', '=', ctx.workspaceId)
            .where('version', '=', expectedVersion)
            .execute();
        }
        const changed = alertRuleKeys.filter(
          (k) => JSON.stringify(current.set.rules[k]) !== JSON.stringify(set.rules[k]),
        );
        await appendAudit(trx, deps, {
          workspaceId: ctx.workspaceId,
          actor: ctx.actor,
          action: 'alert.rules.update',
          outcome: 'allowed',
          resourceType: 'alert_rules',
          resourceId: ctx.workspaceId,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
          details: {
            version: expectedVersion + 1,
            changedRules: changed,
            timezoneChanged: current.set.timezone !== set.timezone,
            workingHoursChanged:
              JSON.stringify(current.set.workingHours) !== JSON.stringify(set.workingHours),
            notifyRoles: set.notifyRoles,
          },
        });
      });
      return get(db, ctx.workspaceId);
    },
  };
}
