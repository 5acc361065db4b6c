import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Actor } from '../../kernel/audit/audit-log.ts';

/** Who changes CRM business data, in which workspace. `actor.id` is a user id for people, a job name for the system. */
export interface CrmActor {
  readonly workspaceId: string;
  readonly actor: Actor;
}

/** A stage a deal leaves or enters, as history copies it. */
export interface StageRef {
  readonly id: string;
  readonly name: string;
}

/**
 * Appends one stage change of a deal (from null when the deal is created) in the caller's transaction.
 *
 * @example
 * await recordStageChange(trx, by, { dealId, from: { id: s1.id, name: s1.name }, to: { id: s2.id, name: s2.name }, at });
 */
export async function recordStageChange(
  trx: Kysely<Database>,
  by: CrmActor,
  change: { readonly dealId: string; readonly from: StageRef | null; readonly to: StageRef; readonly at: string },
): Promise<void> {
  await trx
    .insertInto('deal_stage_history')
    .values({
      workspace_id: by.workspaceId,
      deal_id: change.dealId,
      from_stage_id: change.from?.id ?? null,
      from_stage_name: change.from?.name ?? null,
      to_stage_id: change.to.id,
      to_stage_name: change.to.name,
      actor_type: by.actor.type,
      actor_id: by.actor.id,
      changed_at: change.at,
    })
    .execute();
}
