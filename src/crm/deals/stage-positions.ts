import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** Where a deal is now; `stage_id` null for a deal not placed yet. */
type Placed = { readonly id: string; readonly stage_id: string; readonly position: number } | { readonly id: string; readonly stage_id: null; readonly position: null };

/** Moves the deals of a stage whose position lies in [from, to] by `delta` (set-based: one statement). */
async function shift(trx: Kysely<Database>, workspaceId: string, stageId: string, range: { from: number; to?: number }, delta: 1 | -1, except: string): Promise<void> {
  let q = trx
    .updateTable('deals')
    .set({ position: sql`position + ${delta}` })
    .where('workspace_id', '=', workspaceId)
    .where('stage_id', '=', stageId)
    .where('position', '>=', range.from)
    .where('id', '!=', except);
  if (range.to !== undefined) q = q.where('position', '<=', range.to);
  await q.execute();
}

/**
 * Places a deal at `position` (clamped to the column) of a stage, keeping every stage's positions 0…n-1 without gaps
 * or ties: the deals after its old place move up one, those from its new place move down one (a few set-based
 * statements, whatever the column's length). Runs in the caller's transaction, which must hold the pipeline's lock
 * (ADR 0017). Answers the position the deal got; the caller writes the deal's own row.
 *
 * @example
 * const position = await placeDeal(trx, workspaceId, { id: deal.id, stage_id: deal.stage_id, position: deal.position }, stage.id, 0);
 */
export async function placeDeal(trx: Kysely<Database>, workspaceId: string, deal: Placed, toStageId: string, position?: number): Promise<number> {
  const others = await trx
    .selectFrom('deals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('stage_id', '=', toStageId)
    .where('id', '!=', deal.id)
    .executeTakeFirstOrThrow();
  const at = Math.max(0, Math.min(position ?? Number(others.n), Number(others.n)));
  if (deal.stage_id === toStageId) {
    if (at < deal.position) await shift(trx, workspaceId, toStageId, { from: at, to: deal.position - 1 }, 1, deal.id);
    if (at > deal.position) await shift(trx, workspaceId, toStageId, { from: deal.position + 1, to: at }, -1, deal.id);
  } else {
    if (deal.stage_id !== null) await shift(trx, workspaceId, deal.stage_id, { from: deal.position + 1 }, -1, deal.id);
    await shift(trx, workspaceId, toStageId, { from: at }, 1, deal.id);
  }
  await trx.updateTable('deals').set({ stage_id: toStageId, position: at }).where('workspace_id', '=', workspaceId).where('id', '=', deal.id).execute();
  return at;
}

/**
 * Takes a deal out of its stage's order (before deleting it) and closes the gap.
 *
 * @example
 * await unplaceDeal(trx, workspaceId, { id: deal.id, stage_id: deal.stage_id, position: deal.position });
 */
export async function unplaceDeal(trx: Kysely<Database>, workspaceId: string, deal: { readonly id: string; readonly stage_id: string; readonly position: number }): Promise<void> {
  await shift(trx, workspaceId, deal.stage_id, { from: deal.position + 1 }, -1, deal.id);
}
