import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ConsentStatus, ObjectionOutcome, PurposeStanding } from './standing-types.ts';

const chunkSize = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
  return out;
}

/** An upheld objection stands whatever else was said; a pending one counts until decided. */
function strongest(a: ObjectionOutcome | undefined, b: ObjectionOutcome): ObjectionOutcome {
  const rank = { upheld: 2, pending: 1, rejected: 0 } as const;
  return a !== undefined && rank[a] >= rank[b] ? a : b;
}

/**
 * Each person's standing for one purpose, as the gate reads it: current consent (latest event), the strongest
 * objection, and whether a restriction is in force. Three indexed queries per 500 persons; the consent query is
 * skipped when `withConsent` is false.
 *
 * @example
 * const [s] = await loadStandings(trx, workspaceId, [personId], 'email_marketing', { withConsent: true });
 * s?.consent; // 'given' | 'withdrawn' | 'none'
 */
export async function loadStandings(
  db: Kysely<Database>,
  workspaceId: string,
  personIds: readonly string[],
  purposeKey: string,
  options: { withConsent: boolean },
): Promise<PurposeStanding[]> {
  const ids = [...new Set(personIds)];
  const restricted = new Set<string>();
  const objections = new Map<string, ObjectionOutcome>();
  const consents = new Map<string, ConsentStatus>();
  for (const part of chunks(ids)) {
    const r = await db
      .selectFrom('restrictions')
      .select('person_id')
      .where('workspace_id', '=', workspaceId)
      .where('person_id', 'in', part)
      .where('lifted_at', 'is', null)
      .execute();
    for (const row of r) restricted.add(row.person_id);
    const o = await db
      .selectFrom('objections')
      .select(['person_id', 'outcome'])
      .where('workspace_id', '=', workspaceId)
      .where('purpose_key', '=', purposeKey)
      .where('person_id', 'in', part)
      .execute();
    for (const row of o) {
      objections.set(row.person_id, strongest(objections.get(row.person_id), row.outcome as ObjectionOutcome));
    }
    if (options.withConsent) {
      const c = await db
        .selectFrom('consent_events')
        .select(['person_id', 'state'])
        .where('workspace_id', '=', workspaceId)
        .where('purpose_key', '=', purposeKey)
        .where('person_id', 'in', part)
        .orderBy('id', 'desc')
        .execute();
      for (const row of c) if (!consents.has(row.person_id)) consents.set(row.person_id, row.state as ConsentStatus);
    }
  }
  return ids.map((personId) => ({
    personId,
    consent: consents.get(personId) ?? 'none',
    objection: objections.get(personId) ?? null,
    restricted: restricted.has(personId),
  }));
}
