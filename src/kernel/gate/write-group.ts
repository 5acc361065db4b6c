import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** What a grouped write reports: its value, or a refusal whose audit entry must still commit. */
export type WriteOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** A write that runs in a transaction it is given (with the gate's audit entry inside). */
export type GroupedWrite<T> = (trx: Kysely<Database>) => Promise<WriteOutcome<T>>;

export interface WriteGroups {
  /**
   * Runs `write` in the next group transaction of `key` (a workspace) and settles once that transaction committed:
   * with the value, with the refusal (its entry committed), or with the error the write threw (its changes and its
   * entry rolled back to its savepoint, the others' kept).
   */
  run<T>(key: string, write: GroupedWrite<T>): Promise<T>;
}

/** Most writes one group transaction takes. */
const maxGroup = 64;

interface Pending {
  readonly write: GroupedWrite<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit of the gate's writes (`gate.run`), per workspace: writes that arrive while a group transaction of
 * their workspace runs wait for the next one, which runs them one after the other, each inside its own savepoint,
 * and commits once. A workspace's audited writes are serialised anyway (each holds the audit chain head until it
 * commits), so grouping them changes no order; it saves a begin and a commit per write and writes each shared page
 * (audit chain, indexes) once per group instead of once per write. A lone write runs in a plain transaction, as
 * before. No write is answered before the transaction holding it (and its audit entry) has committed.
 *
 * @example
 * const groups = createWriteGroups(db.kysely);
 * const person = await groups.run(workspaceId, async (trx) => ({ ok: true, value: await insertPerson(trx) }));
 */
export function createWriteGroups(db: Kysely<Database>): WriteGroups {
  const queues = new Map<string, Pending[]>();

  async function runOne(p: Pending): Promise<void> {
    try {
      const outcome = await db.transaction().execute((trx) => p.write(trx));
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.error);
    } catch (error) {
      p.reject(error);
    }
  }

  async function runGroup(group: readonly Pending[]): Promise<void> {
    const settled: WriteOutcome<unknown>[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        for (const p of group) {
          await sql`savepoint gate_write`.execute(trx);
          try {
            settled.push(await p.write(trx));
            await sql`release savepoint gate_write`.execute(trx);
          } catch (error) {
            await sql`rollback to savepoint gate_write`.execute(trx);
            await sql`release savepoint gate_write`.execute(trx);
            settled.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, i) => {
      const outcome = settled[i] as WriteOutcome<unknown>;
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.error);
    });
  }

  /** Runs groups until the key's queue is empty; the queue is dropped in the same turn as the last emptiness check. */
  async function drain(key: string, queue: Pending[]): Promise<void> {
    while (queue.length > 0) {
      const group = queue.splice(0, maxGroup);
      if (group.length === 1) await runOne(group[0] as Pending);
      else await runGroup(group);
    }
    queues.delete(key);
  }

  return {
    run<T>(key: string, write: GroupedWrite<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const pending: Pending = { write: write as GroupedWrite<unknown>, resolve: resolve as (value: unknown) => void, reject };
        const queue = queues.get(key);
        if (queue) {
          queue.push(pending);
          return;
        }
        const fresh = [pending];
        queues.set(key, fresh);
        // One turn of the event loop lets writes already in flight join the same group.
        setImmediate(() => void drain(key, fresh));
      });
    },
  };
}
