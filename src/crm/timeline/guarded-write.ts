import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { findPseudonyms } from '../../kernel/people/person-lookups.ts';

/** What a CRM record about people (an activity, a task) declares to the gate. */
export interface GuardedWriteDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly gate: Gate;
  /** The record's declared attributes (`{ entity: 'activity', names: ['subject', 'body'] }`). */
  readonly attributes: { readonly entity: string; readonly names: readonly string[] };
  /** Resource type of the audit entry when no person is concerned. */
  readonly resourceType: string;
}

/**
 * Runs `work` in one transaction with one audit entry: through the processing gate (operation `write`, the first
 * person's pseudonym on the entry) when the record is about people, as business data otherwise.
 *
 * @example
 * await guardedWrite(deps, ctx, personIds, { action: 'task.create', resourceId: id }, (trx) => insertTask(trx));
 */
export async function guardedWrite<T>(
  deps: GuardedWriteDeps,
  ctx: ProcessingContext,
  personIds: readonly string[],
  entry: { readonly action: string; readonly resourceId: string },
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const kysely = deps.db.kysely;
  if (personIds.length === 0) {
    return kysely.transaction().execute(async (trx) => {
      const result = await work(trx);
      await appendAudit(trx, { dialect: deps.db.dialect, clock: deps.clock }, {
        workspaceId: ctx.workspaceId,
        actor: ctx.actor,
        action: entry.action,
        outcome: 'allowed',
        resourceType: deps.resourceType,
        resourceId: entry.resourceId,
        purpose: ctx.purpose,
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
        details: { people: 0 },
      });
      return result;
    });
  }
  const first = personIds[0] as string;
  const pseudonyms = await findPseudonyms(kysely, ctx.workspaceId, [first]);
  return deps.gate.run(
    kysely,
    ctx,
    {
      personIds,
      operation: 'write',
      attributes: deps.attributes,
      allowedEntry: { ...entry, subjectPseudonym: pseudonyms.get(first) ?? '', details: { people: personIds.length } },
    },
    (trx) => work(trx),
  );
}
