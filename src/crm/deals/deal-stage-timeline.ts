import type { TimelineSource } from '../timeline/timeline-source.ts';

/**
 * Timeline source `deal-stages`: each stage change of a deal (`deal.stage_changed`, or `deal.created` for the first).
 * Business data only: no gate needed.
 *
 * @example
 * timelineSources.register(dealStageTimeline);
 */
export const dealStageTimeline: TimelineSource = {
  name: 'deal-stages',
  entities: ['deal'],
  async load(db, ctx, record, page) {
    let q = db
      .selectFrom('deal_stage_history')
      .selectAll()
      .where('workspace_id', '=', ctx.workspaceId)
      .where('deal_id', '=', record.id);
    if (page.before) q = q.where('changed_at', '<', page.before);
    const rows = await q.orderBy('changed_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
    return rows.map((r) => ({
      id: `deal-stages:${r.id}`,
      at: r.changed_at,
      kind: r.from_stage_id === null ? 'deal.created' : 'deal.stage_changed',
      title: r.from_stage_name === null ? `Created in ${r.to_stage_name}` : `Moved from ${r.from_stage_name} to ${r.to_stage_name}`,
      facts: { fromStageId: r.from_stage_id, toStageId: r.to_stage_id },
      actor: { type: r.actor_type as 'user', id: r.actor_id },
      links: [{ entity: 'deal' as const, id: r.deal_id }],
    }));
  },
};
