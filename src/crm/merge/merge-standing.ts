import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** What moved from the merged-away person's standing to the kept person's. */
export interface StandingMoved {
  readonly consentEvents: number;
  /** Purposes for which a refusal or withdrawal of one of the two was re-stated as the kept person's latest event. */
  readonly withdrawalsKept: number;
  readonly objections: number;
  readonly restrictions: number;
}

/** Latest-event states that let processing based on consent go on. */
const consenting: ReadonlySet<string> = new Set(['given', 'renewed']);

/**
 * Moves a person's privacy standing (consent history, objections, restrictions) onto another in the caller's
 * transaction, the most protective answer winning: objections and restrictions all follow (any one binds the kept
 * person); the consent history follows, and where either person's latest event for a purpose did not consent while
 * the merged history would end on a consent, that non-consenting event is re-stated as the latest (method `merge`).
 *
 * @example
 * const moved = await mergeStanding(trx, workspaceId, otherId, keptId, now);
 */
export async function mergeStanding(trx: Kysely<Database>, workspaceId: string, fromId: string, toId: string, at: string): Promise<StandingMoved> {
  const events = await trx
    .selectFrom('consent_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('person_id', 'in', [fromId, toId])
    .orderBy('id')
    .execute();
  type Event = (typeof events)[number];
  const latest = new Map<string, { from?: Event; to?: Event }>();
  for (const e of events) {
    const entry = latest.get(e.purpose_key) ?? {};
    if (e.person_id === fromId) entry.from = e;
    else entry.to = e;
    latest.set(e.purpose_key, entry);
  }
  const moved = await trx
    .updateTable('consent_events')
    .set({ person_id: toId })
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', fromId)
    .executeTakeFirst();
  let withdrawalsKept = 0;
  for (const { from, to } of latest.values()) {
    const last = [from, to].filter((e): e is Event => e !== undefined).sort((a, b) => Number(b.id) - Number(a.id))[0];
    const refusing = [from, to].find((e) => e !== undefined && !consenting.has(e.state));
    if (!last || !refusing || !consenting.has(last.state)) continue;
    const { id: _id, ...copy } = refusing;
    // A public event id and evidence belong to the original event only.
    const unique: Record<string, null> = {};
    for (const column of ['event_id', 'evidence']) if (column in copy) unique[column] = null;
    await trx
      .insertInto('consent_events')
      .values({ ...copy, ...unique, person_id: toId, method: 'merge', recorded_at: at })
      .execute();
    withdrawalsKept += 1;
  }
  const objections = await trx.updateTable('objections').set({ person_id: toId }).where('workspace_id', '=', workspaceId).where('person_id', '=', fromId).executeTakeFirst();
  const restrictions = await trx.updateTable('restrictions').set({ person_id: toId }).where('workspace_id', '=', workspaceId).where('person_id', '=', fromId).executeTakeFirst();
  return {
    consentEvents: Number(moved.numUpdatedRows),
    withdrawalsKept,
    objections: Number(objections.numUpdatedRows),
    restrictions: Number(restrictions.numUpdatedRows),
  };
}
