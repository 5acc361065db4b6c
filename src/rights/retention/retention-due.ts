import type { Kysely } from 'kysely';
import { dialectOf } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { addIsoDuration } from '../../kernel/erasure/erasure-exceptions.ts';
import { workspaceFilter } from '../../kernel/erasure/workspace-filter.ts';
import type { RetentionAction, RetentionPolicy, RetentionStartEvent } from './retention-policies.ts';

/** A person whose retention has run out, and why. Ids, a pseudonym and dates only. */
export interface DuePerson {
  readonly personId: string;
  readonly pseudonym: string;
  /** The policy whose period ends last among those that apply (the one that lets the person go). */
  readonly policyId: string;
  readonly policyName: string;
  readonly startEvent: RetentionStartEvent;
  /** When the start event happened (ISO-8601 UTC). */
  readonly startedAt: string;
  /** Start plus the policy's period: on or before now. */
  readonly dueAt: string;
  readonly action: RetentionAction;
  /** Active legal holds covering the person: non-empty means blocked (the sweep leaves them). */
  readonly holdIds: string[];
}

/** Facts about a person that the start events are computed from. */
interface PersonFacts {
  readonly id: string;
  readonly pseudonym: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lifecycleStage: string | null;
}

const maxOf = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b;

/** Persons per page: one `in (…)` list per fact query, under both databases' bind-parameter limits. */
const defaultPageSize = 1000;

/** Orders due persons as the preview lists them: due date, then id. */
export function compareDue(a: DuePerson, b: DuePerson): number {
  if (a.dueAt !== b.dueAt) return a.dueAt < b.dueAt ? -1 : 1;
  return a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0;
}

/**
 * Everyone due for retention in a workspace at `now`, page by page: the live persons are read by keyset on their id
 * (`id > last of the previous page`), and the facts the start events need (last activity, deals, consent events,
 * legal holds) are read for that page's ids only, so memory holds one page whatever the workspace's size. Each page
 * yields its due persons in id order (holds included and flagged; a page may yield none). A person is due when at
 * least one active policy applies to them and EVERY policy that applies has run out: data stays while any purpose
 * still needs it (ADR 0025). A policy applies when its start event can happen to the person (creation and last
 * activity: always; contract end: the person has a deal or is `former`; consent withdrawal: the person has consent
 * events for the purpose); an applicable policy whose event has not happened yet (an open deal, consent still given)
 * keeps the person. The preview and the sweep both read this, so the preview shows exactly what the sweep does.
 *
 * @example
 * for await (const page of duePersonPages(db, workspaceId, policies, clock.now().toISOString())) await erase(page);
 */
export async function* duePersonPages(
  db: Kysely<Database>,
  workspaceId: string,
  policies: readonly RetentionPolicy[],
  now: string,
  options: { readonly pageSize?: number } = {},
): AsyncGenerator<DuePerson[]> {
  const active = policies.filter((p) => p.active);
  if (active.length === 0) return;
  const pageSize = options.pageSize ?? defaultPageSize;
  const ws = workspaceFilter(dialectOf(db as never));
  for (let after = ''; ;) {
    const rows = await db
      .selectFrom('persons')
      .select(['id', 'pseudonym', 'created_at', 'updated_at', 'lifecycle_stage'])
      .where(ws, '=', workspaceId)
      .where('erased_at', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    const last = rows[rows.length - 1];
    if (!last) return;
    const persons: PersonFacts[] = rows.map((r) => ({
      id: r.id,
      pseudonym: r.pseudonym,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      lifecycleStage: r.lifecycle_stage,
    }));
    yield await dueAmong(db, workspaceId, active, now, persons);
    if (rows.length < pageSize) return;
    after = last.id;
  }
}

/**
 * Everyone due, sorted by due date then id (the whole list in memory: for tests and small workspaces; the sweep and
 * the preview page through `duePersonPages`).
 *
 * @example
 * const due = await findDuePersons(db, workspaceId, await policies.list(db, workspaceId, { activeOnly: true }), clock.now().toISOString());
 */
export async function findDuePersons(
  db: Kysely<Database>,
  workspaceId: string,
  policies: readonly RetentionPolicy[],
  now: string,
): Promise<DuePerson[]> {
  const due: DuePerson[] = [];
  for await (const page of duePersonPages(db, workspaceId, policies, now)) due.push(...page);
  return due.sort(compareDue);
}

/** The due persons among one page of persons, with the facts read for their ids only. */
async function dueAmong(
  db: Kysely<Database>,
  workspaceId: string,
  active: readonly RetentionPolicy[],
  now: string,
  persons: readonly PersonFacts[],
): Promise<DuePerson[]> {
  const events = new Set(active.map((p) => p.startEvent));
  const ids = persons.map((p) => p.id);

  const lastActivity = new Map<string, string>();
  if (events.has('last_activity')) {
    const linked = await db
      .selectFrom('activity_links')
      .select(['record_id', (eb) => eb.fn.max('occurred_at').as('at')])
      .where('workspace_id', '=', workspaceId)
      .where('entity', '=', 'person')
      .where('record_id', 'in', ids)
      .groupBy('record_id')
      .execute();
    for (const r of linked) lastActivity.set(r.record_id, r.at);
    const keyed = await db
      .selectFrom('activities')
      .select(['key_person_id', (eb) => eb.fn.max('occurred_at').as('at')])
      .where('workspace_id', '=', workspaceId)
      .where('key_person_id', 'in', ids)
      .groupBy('key_person_id')
      .execute();
    for (const r of keyed)
      if (r.key_person_id)
        lastActivity.set(r.key_person_id, maxOf(lastActivity.get(r.key_person_id), r.at) as string);
  }

  const contracts = new Map<string, { open: number; closedAt: string | undefined }>();
  if (events.has('contract_end')) {
    const rows = await db
      .selectFrom('deal_people as dp')
      .innerJoin('deals as d', (j) =>
        j.onRef('d.id', '=', 'dp.deal_id').onRef('d.workspace_id', '=', 'dp.workspace_id'),
      )
      .select(['dp.person_id', 'd.status', 'd.closed_at'])
      .where('dp.workspace_id', '=', workspaceId)
      .where('dp.person_id', 'in', ids)
      .execute();
    for (const r of rows) {
      const c = contracts.get(r.person_id) ?? { open: 0, closedAt: undefined };
      if (r.status === 'open') c.open += 1;
      else c.closedAt = maxOf(c.closedAt, r.closed_at ?? undefined);
      contracts.set(r.person_id, c);
    }
  }

  // Latest consent event per person for each purpose a withdrawal policy names.
  const withdrawals = new Map<string, Map<string, { state: string; at: string }>>();
  for (const purpose of new Set(
    active.filter((p) => p.startEvent === 'consent_withdrawal').map((p) => p.purpose as string),
  )) {
    const latest = new Map<string, { state: string; at: string }>();
    const rows = await db
      .selectFrom('consent_events')
      .select(['person_id', 'state', 'recorded_at'])
      .where('workspace_id', '=', workspaceId)
      .where('person_id', 'in', ids)
      .where('purpose_key', '=', purpose)
      .orderBy('person_id')
      .orderBy('recorded_at')
      .orderBy('id')
      .execute();
    for (const r of rows) latest.set(r.person_id, { state: r.state, at: r.recorded_at });
    withdrawals.set(purpose, latest);
  }

  const holds = new Map<string, Set<string>>();
  const direct = await db
    .selectFrom('legal_holds')
    .select(['id', 'person_id'])
    .where('workspace_id', '=', workspaceId)
    .where('released_at', 'is', null)
    .where('person_id', 'in', ids)
    .execute();
  const viaMatter = await db
    .selectFrom('legal_hold_persons as m')
    .innerJoin('legal_holds as h', 'h.id', 'm.hold_id')
    .select(['h.id', 'm.person_id'])
    .where('m.workspace_id', '=', workspaceId)
    .where('h.workspace_id', '=', workspaceId)
    .where('h.released_at', 'is', null)
    .where('m.person_id', 'in', ids)
    .execute();
  for (const h of [...direct, ...viaMatter])
    if (h.person_id) holds.set(h.person_id, (holds.get(h.person_id) ?? new Set()).add(h.id));

  /** The start of `policy` for `p`: a date, `null` (applies, not started: keeps the person) or `undefined` (does not apply). */
  const startOf = (policy: RetentionPolicy, p: PersonFacts): string | null | undefined => {
    switch (policy.startEvent) {
      case 'creation':
        return p.createdAt;
      case 'last_activity':
        return maxOf(p.updatedAt, lastActivity.get(p.id)) as string;
      case 'contract_end': {
        const c = contracts.get(p.id);
        if (c) return c.open > 0 ? null : (c.closedAt ?? p.updatedAt);
        return p.lifecycleStage === 'former' ? p.updatedAt : undefined;
      }
      case 'consent_withdrawal': {
        const latest = withdrawals.get(policy.purpose as string)?.get(p.id);
        if (!latest) return undefined;
        return latest.state === 'withdrawn' ? latest.at : null;
      }
    }
  };

  const due: DuePerson[] = [];
  for (const p of persons) {
    let governing: { policy: RetentionPolicy; start: string; dueAt: string } | undefined;
    let keep = false;
    for (const policy of active) {
      const start = startOf(policy, p);
      if (start === undefined) continue;
      const dueAt = start === null ? undefined : addIsoDuration(start, policy.period);
      if (dueAt === undefined || dueAt > now) {
        keep = true;
        break;
      }
      const later =
        !governing ||
        dueAt > governing.dueAt ||
        (dueAt === governing.dueAt && policy.action === 'anonymise' && governing.policy.action === 'delete');
      if (later) governing = { policy, start: start as string, dueAt };
    }
    if (keep || !governing) continue;
    due.push({
      personId: p.id,
      pseudonym: p.pseudonym,
      policyId: governing.policy.id,
      policyName: governing.policy.name,
      startEvent: governing.policy.startEvent,
      startedAt: governing.start,
      dueAt: governing.dueAt,
      action: governing.policy.action,
      holdIds: [...(holds.get(p.id) ?? [])].sort(),
    });
  }
  return due;
}
