import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { StageKind } from './pipelines/stage-kinds.ts';

/** A deal as the API shows it. People appear by id only: their values are read through the people API (gate). */
export interface DealView {
  readonly id: string;
  readonly title: string;
  /** Integer minor units of `currency`. */
  readonly amount: number;
  readonly currency: string;
  readonly expectedCloseDate: string | null;
  readonly ownerUserId: string | null;
  readonly pipelineId: string;
  readonly stageId: string;
  readonly position: number;
  readonly organizationId: string | null;
  readonly status: StageKind;
  readonly closeReason: string | null;
  readonly closedAt: string | null;
  readonly personIds: string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export type DealRow = Database['deals'];

/**
 * Maps deal rows to views, reading their linked people in one query.
 *
 * @example
 * const [view] = await dealViews(trx, workspaceId, [row]);
 */
export async function dealViews(db: Kysely<Database>, workspaceId: string, rows: readonly DealRow[]): Promise<DealView[]> {
  const people = new Map<string, string[]>();
  if (rows.length > 0) {
    const links = await db
      .selectFrom('deal_people')
      .select(['deal_id', 'person_id'])
      .where('workspace_id', '=', workspaceId)
      .where('deal_id', 'in', rows.map((r) => r.id))
      .orderBy('created_at')
      .orderBy('person_id')
      .execute();
    for (const l of links) people.set(l.deal_id, [...(people.get(l.deal_id) ?? []), l.person_id]);
  }
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    amount: Number(row.amount),
    currency: row.currency,
    expectedCloseDate: row.expected_close_date,
    ownerUserId: row.owner_user_id,
    pipelineId: row.pipeline_id,
    stageId: row.stage_id,
    position: row.position,
    organizationId: row.organization_id,
    status: row.status as StageKind,
    closeReason: row.close_reason,
    closedAt: row.closed_at,
    personIds: people.get(row.id) ?? [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  }));
}
