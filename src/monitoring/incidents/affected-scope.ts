import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import { categoryWithin } from '../../kernel/catalogue/category-prefix.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { InvolvedActor } from './incident-from-alert.ts';

/** Art. 33(3)(a) numbers computed from the audit log and the data map; no person is named (pseudonyms stay inside). */
export interface AffectedScope {
  readonly computedAt: string;
  /** The window searched (occurred from … occurred to, or the time of computation). */
  readonly window: { readonly from: string; readonly to: string };
  /** Allowed personal-data operations of the involved accounts in the window. */
  readonly entries: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  /** Operations by kind (`read`, `export`, `search`, …). */
  readonly operations: Readonly<Record<string, number>>;
  /** Distinct people named individually in the entries (by pseudonym). */
  readonly identifiedPeople: number;
  /** Distinct bulk operations (by their digest of person ids) and the people they covered, summed. */
  readonly bulkOperations: number;
  readonly bulkPeople: number;
  /** At least this many people (the largest of the identified count and the largest bulk operation). */
  readonly peopleLow: number;
  /** At most this many (identified + bulk, capped at the people stored): the approximate number notified. */
  readonly peopleHigh: number;
  /** The approximate number of people the notifications use (= `peopleHigh`; other areas read it, e.g. the auditor pack). */
  readonly people: number;
  /** Rows of personal data touched: one per single-person operation, the count of each bulk one. */
  readonly records: number;
  /** Data categories touched: from the gate's decisions, else the purposes' categories. */
  readonly categories: readonly string[];
  /** Those of `categories` that are Art. 9 special categories. */
  readonly specialCategories: readonly string[];
}

export interface AffectedScopeDeps {
  readonly catalogue: Pick<Catalogue, 'listCategories'>;
  readonly purposes: Pick<PurposeRegister, 'list'>;
}

/** Rows of the audit log read per query. */
const page = 2000;

/**
 * The audit-log actor ids of the involved accounts: a user acts as itself (sessions) and through its API tokens.
 */
export async function actorIdsOf(
  db: Kysely<Database>,
  workspaceId: string,
  actors: readonly InvolvedActor[],
): Promise<{ users: string[]; tokens: string[] }> {
  const users = [...new Set(actors.filter((a) => a.type === 'user').map((a) => a.id))];
  const tokens = new Set(actors.filter((a) => a.type === 'token').map((a) => a.id));
  if (users.length > 0) {
    const rows = await db
      .selectFrom('api_tokens')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', 'in', users)
      .execute();
    for (const r of rows) tokens.add(r.id);
  }
  return { users, tokens: [...tokens] };
}

/**
 * Computes who and what an incident touched: the allowed personal-data operations (gate entries carry
 * `details.operation`) of the involved accounts within the window, read page by page in chain order. Single-person
 * entries name a pseudonym (counted distinct); bulk ones carry a count and a digest of the person ids (the same
 * digest is the same set, counted once).
 *
 * @example
 * const scope = await computeAffectedScope(db, deps, { workspaceId, actors: [{ type: 'user', id }], from, to, now });
 * scope.peopleHigh; // approximate number of people for Art. 33(3)(a)
 */
export async function computeAffectedScope(
  db: Kysely<Database>,
  deps: AffectedScopeDeps,
  input: {
    readonly workspaceId: string;
    readonly actors: readonly InvolvedActor[];
    readonly from: string;
    readonly to: string;
    readonly now: string;
  },
): Promise<AffectedScope> {
  const { workspaceId } = input;
  const { users, tokens } = await actorIdsOf(db, workspaceId, input.actors);
  const pseudonyms = new Set<string>();
  const digests = new Map<string, number>();
  const operations: Record<string, number> = {};
  const categories = new Set<string>();
  const purposesWithoutCategories = new Set<string>();
  let entries = 0;
  let records = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  if (users.length + tokens.length > 0) {
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom('audit_log')
        .select(['seq', 'subject_pseudonym', 'purpose', 'details'])
        .where('workspace_id', '=', workspaceId)
        .where('at', '>=', input.from)
        .where('at', '<=', input.to)
        .where('outcome', '=', 'allowed')
        .where((eb) =>
          eb.or([
            ...(users.length ? [eb.and([eb('actor_type', '=', 'user'), eb('actor_id', 'in', users)])] : []),
            ...(tokens.length
              ? [eb.and([eb('actor_type', '=', 'token'), eb('actor_id', 'in', tokens)])]
              : []),
          ]),
        )
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(page)
        .execute();
      for (const row of rows) {
        const details = JSON.parse(row.details) as {
          operation?: unknown;
          count?: unknown;
          digest?: unknown;
          categories?: unknown;
        };
        if (typeof details.operation !== 'string') continue;
        const seq = Number(row.seq);
        const count = typeof details.count === 'number' ? details.count : row.subject_pseudonym ? 1 : 0;
        if (count === 0 && !row.subject_pseudonym) continue;
        entries += 1;
        firstSeq ??= seq;
        lastSeq = seq;
        operations[details.operation] = (operations[details.operation] ?? 0) + 1;
        records += Math.max(count, 1);
        if (row.subject_pseudonym) pseudonyms.add(row.subject_pseudonym);
        else if (typeof details.digest === 'string') digests.set(details.digest, count);
        const cats = Array.isArray(details.categories)
          ? details.categories.filter((c): c is string => typeof c === 'string')
          : [];
        if (cats.length > 0) cats.forEach((c) => categories.add(c));
        else if (row.purpose) purposesWithoutCategories.add(row.purpose);
      }
      if (rows.length < page) break;
      after = Number(rows.at(-1)?.seq);
    }
  }
  if (purposesWithoutCategories.size > 0) {
    for (const p of await deps.purposes.list(db, workspaceId)) {
      if (purposesWithoutCategories.has(p.key))
        [...p.requiredCategories, ...p.optionalCategories].forEach((c) => categories.add(c));
    }
  }
  const special = (await deps.catalogue.listCategories(db, workspaceId)).filter((c) => c.special);
  const sortedCategories = [...categories].sort();
  const bulkCounts = [...digests.values()];
  const bulkPeople = bulkCounts.reduce((a, b) => a + b, 0);
  const stored = await db
    .selectFrom('persons')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const peopleLow = Math.max(pseudonyms.size, ...bulkCounts, 0);
  const peopleHigh = Math.max(peopleLow, Math.min(pseudonyms.size + bulkPeople, Number(stored.n)));
  return {
    computedAt: input.now,
    window: { from: input.from, to: input.to },
    entries,
    firstSeq,
    lastSeq,
    operations,
    identifiedPeople: pseudonyms.size,
    bulkOperations: digests.size,
    bulkPeople,
    peopleLow,
    peopleHigh,
    people: peopleHigh,
    records,
    categories: sortedCategories,
    specialCategories: sortedCategories.filter((k) => special.some((s) => categoryWithin(k, s.key))),
  };
}

/**
 * The pseudonyms of the people named individually in the involved accounts' entries (the audience the register
 * can list; bulk operations name no one).
 */
export async function identifiedPseudonyms(
  db: Kysely<Database>,
  input: {
    readonly workspaceId: string;
    readonly actors: readonly InvolvedActor[];
    readonly from: string;
    readonly to: string;
  },
): Promise<string[]> {
  const { users, tokens } = await actorIdsOf(db, input.workspaceId, input.actors);
  if (users.length + tokens.length === 0) return [];
  const rows = await db
    .selectFrom('audit_log')
    .select('subject_pseudonym')
    .distinct()
    .where('workspace_id', '=', input.workspaceId)
    .where('at', '>=', input.from)
    .where('at', '<=', input.to)
    .where('outcome', '=', 'allowed')
    .where('subject_pseudonym', 'is not', null)
    .where((eb) =>
      eb.or([
        ...(users.length ? [eb.and([eb('actor_type', '=', 'user'), eb('actor_id', 'in', users)])] : []),
        ...(tokens.length ? [eb.and([eb('actor_type', '=', 'token'), eb('actor_id', 'in', tokens)])] : []),
      ]),
    )
    .execute();
  return rows
    .map((r) => r.subject_pseudonym)
    .filter((p): p is string => p !== null)
    .sort();
}

/**
 * The digests of the bulk operations (lists, searches, exports) of the involved accounts in the window, with the
 * number of people each covered. A digest is the SHA-256 of the sorted person ids (`subject-digest.ts`).
 */
export async function bulkDigests(
  db: Kysely<Database>,
  input: {
    readonly workspaceId: string;
    readonly actors: readonly InvolvedActor[];
    readonly from: string;
    readonly to: string;
  },
): Promise<Map<string, number>> {
  const { users, tokens } = await actorIdsOf(db, input.workspaceId, input.actors);
  const out = new Map<string, number>();
  if (users.length + tokens.length === 0) return out;
  const rows = await db
    .selectFrom('audit_log')
    .select('details')
    .where('workspace_id', '=', input.workspaceId)
    .where('at', '>=', input.from)
    .where('at', '<=', input.to)
    .where('outcome', '=', 'allowed')
    .where('subject_pseudonym', 'is', null)
    .where((eb) =>
      eb.or([
        ...(users.length ? [eb.and([eb('actor_type', '=', 'user'), eb('actor_id', 'in', users)])] : []),
        ...(tokens.length ? [eb.and([eb('actor_type', '=', 'token'), eb('actor_id', 'in', tokens)])] : []),
      ]),
    )
    .execute();
  for (const r of rows) {
    const d = JSON.parse(r.details) as { operation?: unknown; digest?: unknown; count?: unknown };
    if (typeof d.operation === 'string' && typeof d.digest === 'string' && typeof d.count === 'number')
      out.set(d.digest, d.count);
  }
  return out;
}
