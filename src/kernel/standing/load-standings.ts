import { sql, type Kysely } from 'kysely';
import { param, queryTemplate, type QueryTemplate } from '../../db/query-template.ts';
import type { Database } from '../../db/schema.ts';
import type { ConsentEventState, ConsentStatus, ObjectionOutcome, PurposeStanding } from './standing-types.ts';

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

interface StandingRow {
  kind: string;
  person_id: string;
  state: string | null;
  /** End of validity of the latest consent event. */
  until: string | null;
}

/** The UNION ALL over restrictions, objections and (optionally) the latest consent of each person of `part`. */
function standingQuery(db: Kysely<Database>, workspaceId: string, part: readonly string[], purposeKey: string, withConsent: boolean) {
  const restrictions = db
    .selectFrom('restrictions')
    .select([sql<string>`'r'`.as('kind'), 'person_id', sql<string | null>`null`.as('state'), sql<string | null>`null`.as('until')])
    .where('workspace_id', '=', workspaceId)
    .where('person_id', 'in', part)
    .where('lifted_at', 'is', null);
  const objected = db
    .selectFrom('objections')
    .select([sql<string>`'o'`.as('kind'), 'person_id', 'outcome as state', sql<string | null>`null`.as('until')])
    .where('workspace_id', '=', workspaceId)
    .where('purpose_key', '=', purposeKey)
    .where('person_id', 'in', part);
  const consented = db
    .selectFrom('consent_events as ce')
    .select([sql<string>`'c'`.as('kind'), 'ce.person_id', 'ce.state', 'ce.expires_at as until'])
    .where('ce.workspace_id', '=', workspaceId)
    .where('ce.purpose_key', '=', purposeKey)
    .where('ce.person_id', 'in', part)
    .where('ce.id', '=', (eb) =>
      eb
        .selectFrom('consent_events as latest')
        .select((e) => e.fn.max('latest.id').as('id'))
        .whereRef('latest.workspace_id', '=', 'ce.workspace_id')
        .whereRef('latest.person_id', '=', 'ce.person_id')
        .whereRef('latest.purpose_key', '=', 'ce.purpose_key'),
    );
  return withConsent ? restrictions.unionAll(objected).unionAll(consented) : restrictions.unionAll(objected);
}

/** `renewed` reads as `given`; a `given` or `renewed` consent past its expiry reads as `expired`. */
function consentStatusOf(state: ConsentEventState, until: string | null, now: string): ConsentStatus {
  if (state !== 'given' && state !== 'renewed') return state;
  return until !== null && until <= now ? 'expired' : 'given';
}

/** Up to this many persons, the query is compiled once per size (reads of one person are the hot path). */
const templatedSizes = 16;
const templates = new Map<string, QueryTemplate>();
const ids = (n: number) => Array.from({ length: n }, (_, i) => param(`p${i}`) as string);
function templateFor(size: number, withConsent: boolean): QueryTemplate {
  const key = `${size}:${withConsent}`;
  let template = templates.get(key);
  if (!template) {
    template = queryTemplate((db) => standingQuery(db as Kysely<Database>, param('ws'), ids(size), param('purpose'), withConsent));
    templates.set(key, template);
  }
  return template;
}
function valuesOf(workspaceId: string, part: readonly string[], purposeKey: string): Record<string, unknown> {
  const values: Record<string, unknown> = { ws: workspaceId, purpose: purposeKey };
  part.forEach((id, i) => {
    values[`p${i}`] = id;
  });
  return values;
}

/**
 * Each person's standing for one purpose, as the gate reads it: current consent (latest event), the strongest
 * objection, and whether a restriction is in force. One round trip per 500 persons (a UNION ALL over the three
 * tables, each through its index); the consent part is left out when `withConsent` is false.
 *
 * @example
 * const [s] = await loadStandings(trx, workspaceId, [personId], 'email_marketing', { withConsent: true });
 * s?.consent; // 'given' | 'withdrawn' | 'expired' | … | 'none'
 */
export async function loadStandings(
  db: Kysely<Database>,
  workspaceId: string,
  personIds: readonly string[],
  purposeKey: string,
  options: { withConsent: boolean; now?: string },
): Promise<PurposeStanding[]> {
  const now = options.now ?? new Date().toISOString();
  const ids = [...new Set(personIds)];
  const restricted = new Set<string>();
  const objections = new Map<string, ObjectionOutcome>();
  const consents = new Map<string, ConsentStatus>();
  for (const part of chunks(ids)) {
    const rows =
      part.length <= templatedSizes
        ? (await db.executeQuery(templateFor(part.length, options.withConsent)<StandingRow>(db, valuesOf(workspaceId, part, purposeKey)))).rows
        : await standingQuery(db, workspaceId, part, purposeKey, options.withConsent).execute();
    for (const row of rows) {
      if (row.kind === 'r') restricted.add(row.person_id);
      else if (row.kind === 'o') {
        objections.set(
          row.person_id,
          strongest(objections.get(row.person_id), row.state as ObjectionOutcome),
        );
      } else consents.set(row.person_id, consentStatusOf(row.state as ConsentEventState, row.until, now));
    }
  }
  return ids.map((personId) => ({
    personId,
    consent: consents.get(personId) ?? 'none',
    objection: objections.get(personId) ?? null,
    restricted: restricted.has(personId),
  }));
}
