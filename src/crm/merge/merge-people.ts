import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import { activeHoldIdsFor } from '../../kernel/erasure/legal-holds.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { personAttributes, personBinding, personColumns, type PersonAttribute } from '../../kernel/people/person-fields.ts';
import { isPersonId } from '../../kernel/people/person-lookups.ts';
import type { PeopleService } from '../../kernel/people/people-service.ts';
import { mergeStanding, type StandingMoved } from './merge-standing.ts';
import type { PersonReassignerRegistry } from './person-reassigners.ts';

export interface MergeDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly gate: Gate;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly reassigners: PersonReassignerRegistry;
  readonly people: Pick<PeopleService, 'reassignDetails'>;
}

/** What a merge did: counts only. */
export interface MergeOutcome {
  readonly keptId: string;
  readonly mergedPseudonym: string;
  /** Attributes of the kept person filled from the merged-away one. */
  readonly filled: readonly string[];
  /** Emails, phones, tags and rectifications moved by the people area. */
  readonly detailsMoved: number;
  readonly standing: StandingMoved;
  /** Rows moved by each registered reassigner. */
  readonly reassigned: Readonly<Record<string, number>>;
  readonly indexRowsMoved: number;
  /** The kept person's version after the merge. */
  readonly version: number;
}

type PersonRow = Database['persons'];

/**
 * Values taken from the merged-away person when the kept one has none. Record provenance stays the kept one's;
 * emails and phones are the people area's (`reassignDetails`).
 */
const fillable: readonly PersonAttribute[] = personAttributes.filter((a) => a !== 'sourceDetail' && a !== 'email' && a !== 'phone');
const plainFillable = ['organization_id', 'owner_user_id', 'lifecycle_stage'] as const;


/**
 * Merges `otherId` into `keptId` in one transaction: the kept person's values stay, blanks are filled from the other
 * (re-encrypted under the kept person's key with the kept row's binding), the other's emails and phones become
 * secondary ones and tags and history follow (through the people area), privacy standing moves (most protective wins), every registered reassigner moves
 * its rows, blind-index rows move; then the other person is removed and their data key destroyed (last, as it is
 * irreversible). Refused when the other person is under a legal hold. Audited as `person.merge` with both
 * pseudonyms and the counts (after the gate's own entry for the write on both people).
 *
 * @example
 * const outcome = await mergePeople(deps, ctx, keptId, otherId, expectedVersion);
 * outcome.reassigned; // { deals: 2, activities: 5 }
 */
export async function mergePeople(deps: MergeDeps, ctx: ProcessingContext, keptId: string, otherId: string, expectedVersion: number): Promise<MergeOutcome> {
  const { db, keys, fieldCipher, clock } = deps;
  const ws = ctx.workspaceId;
  if (keptId === otherId) throw new AppError('VALIDATION_FAILED', { detail: 'A person cannot be merged with themself', errors: [{ path: '/otherId', message: 'same person' }] });
  const load = async (trx: Kysely<Database>, id: string, lock: boolean): Promise<PersonRow> => {
    if (!isPersonId(id)) throw new AppError('NOT_FOUND', { resource: 'person' });
    const query = trx.selectFrom('persons').selectAll().where('workspace_id', '=', ws).where('id', '=', id);
    const row = await (lock ? forUpdate(query, db.dialect) : query).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'person' });
    if (row.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
    if (row.erasing_run_id !== null) throw new AppError('CONFLICT', { detail: 'An erasure of one of these people is in progress' });
    return row;
  };
  const keptBefore = await load(db.kysely, keptId, false);
  const otherBefore = await load(db.kysely, otherId, false);
  if (keptBefore.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { detail: 'The kept person changed since you read them' });
  if ((await activeHoldIdsFor(db.kysely, ws, otherId)).length > 0) {
    throw new AppError('LEGAL_HOLD', { detail: 'The person to merge away is under a legal hold: their data cannot be destroyed' });
  }

  const request = {
    personIds: [keptId, otherId],
    operation: 'write' as const,
    attributes: { entity: 'person', names: personAttributes },
    pseudonyms: new Map([[keptId, keptBefore.pseudonym], [otherId, otherBefore.pseudonym]]),
  };
  return deps.gate.run(db.kysely, ctx, request, async (trx) => {
    const kept = await load(trx, keptId, true);
    const other = await load(trx, otherId, true);
    if (kept.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { detail: 'The kept person changed since you read them' });
    const now = clock.now().toISOString();
    const fromKey = await keys.getDataKey(trx, ws, otherId);
    const toKey = await keys.getOrCreateDataKey(trx, ws, keptId);

    // 1. Blanks of the kept person filled from the other.
    const filled: string[] = [];
    const set: Record<string, unknown> = {};
    for (const a of fillable) {
      const column = personColumns[a];
      const from = other[column];
      if (kept[column] !== null || from === null) continue;
      const plain = fieldCipher.decrypt(fromKey, from, personBinding(ws, otherId, a));
      set[column] = fieldCipher.encrypt(toKey, plain, personBinding(ws, keptId, a));
      filled.push(a);
    }
    for (const column of plainFillable) {
      if (kept[column] === null && other[column] !== null) {
        set[column] = other[column];
        filled.push(column);
      }
    }
    const version = kept.version + 1;
    await trx
      .updateTable('persons')
      .set({ ...set, version, updated_at: now })
      .where('workspace_id', '=', ws)
      .where('id', '=', keptId)
      .where('version', '=', expectedVersion)
      .execute();

    // 2. The other's emails and phones become secondary ones, tags and rectification history follow (people area).
    const target = { workspaceId: ws, fromPersonId: otherId, toPersonId: keptId, fromKey, toKey };
    const detailsMoved = await deps.people.reassignDetails(trx, target);

    // 3. Every feature's rows follow the kept person.
    const reassigned: Record<string, number> = {};
    for (const r of deps.reassigners.list()) reassigned[r.name] = await r.reassign(trx, target);

    // 4. Privacy standing, most protective wins.
    const standing = await mergeStanding(trx, ws, otherId, keptId, now);

    // 5. Blind-index rows move (an identical row of the kept person stays as it is).
    const indexRows = await trx.selectFrom('person_blind_indexes').selectAll().where('workspace_id', '=', ws).where('person_id', '=', otherId).execute();
    await trx.deleteFrom('person_blind_indexes').where('workspace_id', '=', ws).where('person_id', '=', otherId).execute();
    for (const row of indexRows) {
      await trx
        .insertInto('person_blind_indexes')
        .values({ ...row, person_id: keptId })
        .onConflict((oc) => oc.columns(['workspace_id', 'field', 'hash', 'person_id']).doNothing())
        .execute();
    }

    // 6. The other person goes; their key last (irreversible once journalled).
    await trx.deleteFrom('persons').where('workspace_id', '=', ws).where('id', '=', otherId).execute();
    const outcome: MergeOutcome = {
      keptId,
      mergedPseudonym: other.pseudonym,
      filled,
      detailsMoved,
      standing,
      reassigned,
      indexRowsMoved: indexRows.length,
      version,
    };
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      workspaceId: ws,
      actor: ctx.actor,
      action: 'person.merge',
      outcome: 'allowed',
      resourceType: 'person',
      resourceId: keptId,
      subjectPseudonym: kept.pseudonym,
      purpose: ctx.purpose,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: {
        keptPseudonym: kept.pseudonym,
        mergedPseudonym: other.pseudonym,
        filled,
        detailsMoved,
        standing,
        reassigned,
        indexRowsMoved: indexRows.length,
      },
    });
    await keys.destroyDataKey(trx, ws, otherId);
    return outcome;
  });
}
