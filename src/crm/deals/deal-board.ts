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
  // Positions are dense per stage (ADR 0017): without a filter, the first cards of every column are one query.
  const rows = options.ownerUserId
    ? (
        await Promise.all(
          pipeline.stages.map((stage) =>
            db
              .selectFrom('deals')
              .selectAll()
              .where('workspace_id', '=', workspaceId)
              .where('stage_id', '=', stage.id)
              .where('owner_user_id', '=', options.ownerUserId as string)
              .orderBy('position')
              .limit(options.perStage)
              .execute(),
          ),
        )
      ).flat()
    : await db
        .selectFrom('deals')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('pipeline_id', '=', pipelineId)
        .where('position', '<', options.perStage)
        .orderBy('stage_id')
        .orderBy('position')
        .execute();
  const views = await dealViews(db, workspaceId, rows);
  const columns: BoardColumn[] = pipeline.stages.map((stage) => {
    const mine = totals.filter((t) => t.stage_id === stage.id);
    return {
      stage,
      count: mine.reduce((n, t) => n + Number(t.n), 0),
      totals: mine.map((t) => ({ currency: t.currency, amount: Number(t.total), weighted: Math.round((Number(t.total) * stage.probability) / 100) })),
      deals: views.filter((d) => d.stageId === stage.id).sort((a, b) => a.position - b.position),
    };
  });
  return { pipelineId, columns };
}
