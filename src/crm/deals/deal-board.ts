import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { dealViews, type DealView } from './deal-view.ts';
import { loadPipeline, type StageView } from './pipelines/pipeline-service.ts';

export interface BoardColumn {
  readonly stage: StageView;
  /** All deals of the stage (matching the filter), also those beyond `perStage`. */
  readonly count: number;
  /** Sum per currency, and the sum weighted by the stage's probability (rounded to minor units). */
  readonly totals: { currency: string; amount: number; weighted: number }[];
  /** The first `perStage` deals in board order. */
  readonly deals: DealView[];
}

/**
 * The kanban board of a pipeline: its stages in order, each with its first deals, count and totals.
 *
 * @example
 * const board = await dealBoard({ db }, workspaceId, pipelineId, { perStage: 100 });
 * board.columns[0].totals; // [{ currency: 'EUR', amount: 1250000, weighted: 125000 }]
 */
export async function dealBoard(
  deps: { readonly db: Db },
  workspaceId: string,
  pipelineId: string,
  options: { readonly ownerUserId?: string | undefined; readonly perStage: number },
): Promise<{ pipelineId: string; columns: BoardColumn[] }> {
  const db = deps.db.kysely;
  const pipeline = await loadPipeline(db, workspaceId, pipelineId);
  if (!pipeline) throw new AppError('NOT_FOUND', { resource: 'pipeline' });
  let sums = db
    .selectFrom('deals')
    .select((eb) => ['stage_id', 'currency', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('amount').as('total')])
    .where('workspace_id', '=', workspaceId)
    .where('pipeline_id', '=', pipelineId);
  if (options.ownerUserId) sums = sums.where('owner_user_id', '=', options.ownerUserId);
  const totals = await sums.groupBy(['stage_id', 'currency']).orderBy('currency').execute();
  const columns: BoardColumn[] = [];
  for (const stage of pipeline.stages) {
    let q = db.selectFrom('deals').selectAll().where('workspace_id', '=', workspaceId).where('stage_id', '=', stage.id);
    if (options.ownerUserId) q = q.where('owner_user_id', '=', options.ownerUserId);
    const rows = await q.orderBy('position').orderBy('id').limit(options.perStage).execute();
    const mine = totals.filter((t) => t.stage_id === stage.id);
    columns.push({
      stage,
      count: mine.reduce((n, t) => n + Number(t.n), 0),
      totals: mine.map((t) => ({ currency: t.currency, amount: Number(t.total), weighted: Math.round((Number(t.total) * stage.probability) / 100) })),
      deals: await dealViews(db, workspaceId, rows),
    });
  }
  return { pipelineId, columns };
}
