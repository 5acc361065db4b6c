import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/audit-log.ts';

/** Why a hold was placed. */
export const legalHoldReasons = ['litigation', 'investigation', 'regulator_request', 'other'] as const;
export type LegalHoldReason = (typeof legalHoldReasons)[number];

/** A legal hold as the API shows it. */
export interface LegalHold {
  readonly id: string;
  /** Person hold: the person. Matter hold: null. */
  readonly personId: string | null;
  /** Matter hold: the matter reference and the persons it covers. */
  readonly matter: string | null;
  readonly personIds: string[];
  readonly reason: LegalHoldReason;
  readonly placedAt: string;
  readonly releasedAt: string | null;
}

export type NewLegalHold =
  | { readonly personId: string; readonly reason: LegalHoldReason }
  | { readonly matter: string; readonly personIds: readonly string[]; readonly reason: LegalHoldReason };

async function personIdsOf(db: Kysely<Database>, workspaceId: string, holdIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (holdIds.length === 0) return out;
  const rows = await db
    .selectFrom('legal_hold_persons')
    .select(['hold_id', 'person_id'])
    .where('workspace_id', '=', workspaceId)
    .where('hold_id', 'in', holdIds)
    .orderBy('person_id')
    .execute();
  for (const r of rows) out.set(r.hold_id, [...(out.get(r.hold_id) ?? []), r.person_id]);
  return out;
}

function toHold(row: Database['legal_holds'], members: readonly string[]): LegalHold {
  return {
    id: row.id,
    personId: row.person_id,
    matter: row.matter,
    personIds: row.person_id ? [row.person_id] : [...members],
    reason: row.reason as LegalHoldReason,
    placedAt: row.placed_at,
    releasedAt: row.released_at,
  };
}

/**
 * Places a hold on one person or on every person of a matter. The caller checks that the persons exist in the
 * workspace and audits.
 *
 * @example
 * await placeLegalHold(trx, { workspaceId, actor, at }, { personId, reason: 'litigation' });
 * await placeLegalHold(trx, { workspaceId, actor, at }, { matter: 'CASE-2026-14', personIds: [a, b], reason: 'litigation' });
 */
export async function placeLegalHold(
  db: Kysely<Database>,
  ctx: { readonly workspaceId: string; readonly actor: Actor; readonly at: string },
  input: NewLegalHold,
): Promise<LegalHold> {
  const id = randomUUID();
  const row: Database['legal_holds'] = {
    id,
    workspace_id: ctx.workspaceId,
    person_id: 'personId' in input ? input.personId : null,
    matter: 'matter' in input ? input.matter : null,
    reason: input.reason,
    placed_at: ctx.at,
    placed_by_type: ctx.actor.type,
    placed_by_id: ctx.actor.id,
    released_at: null,
  };
  await db.insertInto('legal_holds').values(row).execute();
  const members = 'personIds' in input ? [...new Set(input.personIds)].sort() : [];
  for (const personId of members) {
    await db.insertInto('legal_hold_persons').values({ hold_id: id, workspace_id: ctx.workspaceId, person_id: personId }).execute();
  }
  return toHold(row, members);
}

/**
 * Releases a hold. `NOT_FOUND` for an unknown id or another workspace's; `CONFLICT` when already released.
 *
 * @example
 * await releaseLegalHold(trx, workspaceId, holdId, isoNow(clock));
 */
export async function releaseLegalHold(db: Kysely<Database>, workspaceId: string, holdId: string, at: string): Promise<LegalHold> {
  const row = await db
    .selectFrom('legal_holds')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', holdId)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { resource: 'legal_hold' });
  if (row.released_at !== null) throw new AppError('CONFLICT', { detail: 'The hold is already released' });
  await db.updateTable('legal_holds').set({ released_at: at }).where('workspace_id', '=', workspaceId).where('id', '=', holdId).execute();
  const members = await personIdsOf(db, workspaceId, [holdId]);
  return toHold({ ...row, released_at: at }, members.get(holdId) ?? []);
}

/**
 * Holds of a workspace, newest first, optionally only the active ones.
 *
 * @example
 * const active = await listLegalHolds(db, workspaceId, { activeOnly: true });
 */
export async function listLegalHolds(
  db: Kysely<Database>,
  workspaceId: string,
  options: { activeOnly?: boolean } = {},
): Promise<LegalHold[]> {
  let query = db.selectFrom('legal_holds').selectAll().where('workspace_id', '=', workspaceId);
  if (options.activeOnly) query = query.where('released_at', 'is', null);
  const rows = await query.orderBy('placed_at', 'desc').orderBy('id').limit(1000).execute();
  const members = await personIdsOf(db, workspaceId, rows.map((r) => r.id));
  return rows.map((r) => toHold(r, members.get(r.id) ?? []));
}

/**
 * Ids of the active holds covering a person, directly or through a matter.
 *
 * @example
 * if ((await activeHoldIdsFor(trx, workspaceId, personId)).length > 0) throw new AppError('LEGAL_HOLD');
 */
export async function activeHoldIdsFor(db: Kysely<Database>, workspaceId: string, personId: string): Promise<string[]> {
  const direct = await db
    .selectFrom('legal_holds')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', personId)
    .where('released_at', 'is', null)
    .execute();
  const viaMatter = await db
    .selectFrom('legal_hold_persons as m')
    .innerJoin('legal_holds as h', 'h.id', 'm.hold_id')
    .select('h.id')
    .where('m.workspace_id', '=', workspaceId)
    .where('m.person_id', '=', personId)
    .where('h.workspace_id', '=', workspaceId)
    .where('h.released_at', 'is', null)
    .execute();
  return [...new Set([...direct, ...viaMatter].map((r) => r.id))].sort();
}
