import type { TimelineSource } from '../timeline/timeline-source.ts';

/**
 * Timeline source `deal-stages`: each stage change of a deal (`deal.stage_changed`, or `deal.created` for the first),
 * on the deal's timeline and on its organization's. Business data only: no gate needed.
 *
 * @example
 * timelineSources.register(dealStageTimeline);
 */
export const dealStageTimeline: TimelineSource = {
  name: 'deal-stages',
  entities: ['deal', 'organization'],
  async load(db, ctx, record, page) {
    let q = db
      .selectFrom('deal_stage_history as h')
      .innerJoin('deals as d', 'd.id', 'h.deal_id')
      .select(['h.id', 'h.deal_id', 'h.from_stage_id', 'h.from_stage_name', 'h.to_stage_id', 'h.to_stage_name', 'h.actor_type', 'h.actor_id', 'h.changed_at', 'd.title', 'd.organization_id'])
      .where('h.workspace_id', '=', ctx.workspaceId)
      .where(record.entity === 'organization' ? 'd.organization_id' : 'h.deal_id', '=', record.id);
    if (page.before) q = q.where('h.changed_at', '<', page.before);
    const rows = await q.orderBy('h.changed_at', 'desc').orderBy('h.id', 'desc').limit(page.limit).execute();
    const prefix = (title: string) => (record.entity === 'organization' ? `${title}: ` : '');
    return rows.map((r) => ({
      id: `deal-stages:${r.id}`,
      at: r.changed_at,
      kind: r.from_stage_id === null ? 'deal.created' : 'deal.stage_changed',
      title: `${prefix(r.title)}${r.from_stage_name === null ? `Created in ${r.to_stage_name}` : `Moved from ${r.from_stage_name} to ${r.to_stage_name}`}`,
      facts: { fromStageId: r.from_stage_id, toStageId: r.to_stage_id },
      actor: { type: r.actor_type as 'user', id: r.actor_id },
      links: [{ entity: 'deal' as const, id: r.deal_id }, ...(r.organization_id ? [{ entity: 'organization' as const, id: r.organization_id }] : [])],
    }));
  },
};
