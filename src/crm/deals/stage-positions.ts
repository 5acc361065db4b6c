import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

interface Placed {
  readonly id: string;
  readonly stage_id: string;
  readonly position: number;
}

/** A stage's deals in board order. */
function stageOrder(trx: Kysely<Database>, workspaceId: string, stageId: string): Promise<Placed[]> {
  return trx.selectFrom('deals').select(['id', 'stage_id', 'position']).where('workspace_id', '=', workspaceId).where('stage_id', '=', stageId).orderBy('position').orderBy('id').execute();
}

/** Writes stage and position of the deals whose place changed. */
async function writeOrder(trx: Kysely<Database>, workspaceId: string, stageId: string, deals: readonly Placed[]): Promise<void> {
  for (const [position, d] of deals.entries()) {
    if (d.stage_id === stageId && d.position === position) continue;
    await trx.updateTable('deals').set({ stage_id: stageId, position }).where('workspace_id', '=', workspaceId).where('id', '=', d.id).execute();
  }
}

/**
 * Places a deal at `position` (clamped) of a stage and renumbers the stages it left and entered, so that every stage's
 * positions stay 0…n-1 without gaps or ties. Runs in the caller's transaction (which must hold the pipeline's lock).
 * Answers the position the deal got.
 *
 * @example
 * await placeDeal(trx, workspaceId, { id: deal.id, stage_id: deal.stage_id, position: deal.position }, stage.id, 0); // top
 */
export async function placeDeal(
  trx: Kysely<Database>,
  workspaceId: string,
  deal: Placed | { readonly id: string; readonly stage_id: null; readonly position: null },
  toStageId: string,
  position?: number,
): Promise<number> {
  if (deal.stage_id !== null && deal.stage_id !== toStageId) {
    await writeOrder(trx, workspaceId, deal.stage_id, (await stageOrder(trx, workspaceId, deal.stage_id)).filter((d) => d.id !== deal.id));
  }
  const target = (await stageOrder(trx, workspaceId, toStageId)).filter((d) => d.id !== deal.id);
  const at = Math.max(0, Math.min(position ?? target.length, target.length));
  target.splice(at, 0, { id: deal.id, stage_id: deal.stage_id ?? '', position: deal.position ?? -1 });
  await writeOrder(trx, workspaceId, toStageId, target);
  return at;
}

/**
 * Takes a deal out of its stage's order (before deleting it) and closes the gap.
 *
 * @example
 * await unplaceDeal(trx, workspaceId, deal.id, deal.stage_id);
 */
export async function unplaceDeal(trx: Kysely<Database>, workspaceId: string, dealId: string, stageId: string): Promise<void> {
  await writeOrder(trx, workspaceId, stageId, (await stageOrder(trx, workspaceId, stageId)).filter((d) => d.id !== dealId));
}
