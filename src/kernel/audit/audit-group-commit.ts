import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { appendAuditBatch, appendAudit, type AuditDeps, type AuditEntryInput } from './audit-log.ts';

/** Most entries one group transaction takes; the rest wait for the next one. */
const maxGroup = 500;

export interface AuditGroupCommit {
  /**
   * Appends the entry in the next group transaction and resolves once that transaction has committed: the caller
   * may act on what the entry records only after this resolves (never return data whose access is not audited).
   */
  append(input: AuditEntryInput): Promise<{ seq: number; hash: string }>;
}

interface Pending {
  readonly input: AuditEntryInput;
  readonly resolve: (appended: { seq: number; hash: string }) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit of audit entries that stand alone (a read's gate decision, allowed or refused): entries queued
 * while a group transaction runs are appended together in the next one (one head select, multi-row inserts, one
 * head write, one commit), and each caller's promise resolves only after its group committed. Nothing waits on a
 * timer: one client alone gets a group of one, at the cost of a plain append; concurrent clients share commits.
 * When a group fails, its entries are retried one by one, so that one bad entry fails only its own caller.
 *
 * Entries that must commit with a change (a write's entry) do not come here: they go through `appendAudit` in the
 * change's own transaction (docs/adr/0031-person-api-hot-path.md).
 *
 * @example
 * const group = createAuditGroupCommit(db.kysely, { dialect: db.dialect, clock });
 * await group.append({ workspaceId, actor, action: 'processing.read', outcome: 'allowed', purpose: 'crm' });
 */
export function createAuditGroupCommit(db: Kysely<Database>, deps: AuditDeps): AuditGroupCommit {
  let queue: Pending[] = [];
  let running = false;

  /** Runs groups until the queue is empty; `running` is cleared in the same turn as the last emptiness check. */
  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const group = queue.slice(0, maxGroup);
      queue = queue.slice(group.length);
      try {
        const appended = await db.transaction().execute((trx) => appendAuditBatch(trx, deps, group.map((p) => p.input)));
        group.forEach((p, i) => p.resolve(appended[i] as { seq: number; hash: string }));
      } catch {
        // One by one: each caller gets its own entry's outcome.
        for (const p of group) {
          try {
            p.resolve(await db.transaction().execute((trx) => appendAudit(trx, deps, p.input)));
          } catch (error) {
            p.reject(error);
          }
        }
      }
    }
    running = false;
  }

  return {
    append(input) {
      return new Promise((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (running) return;
        running = true;
        // One turn of the event loop lets requests already in flight queue their entries into the same group.
        setImmediate(() => void flush());
      });
    },
  };
}
