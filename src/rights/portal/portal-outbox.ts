import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { PrivacyEventSubscriber } from '../../kernel/events/privacy-events.ts';

/** Request events the requester is emailed about. */
export const notifiedEvents = {
  'request.extended': 'extended',
  'request.completed': 'completed',
  'request.refused': 'refused',
} as const;
export type NotifiedKind = (typeof notifiedEvents)[keyof typeof notifiedEvents];

/** A queued email, claimed by one drain at a time. */
export interface OutboxItem {
  readonly id: string;
  readonly workspaceId: string;
  readonly requestId: string;
  readonly kind: NotifiedKind;
}

/** Emails to requesters, queued in the transaction of the change and sent after commit. */
export interface PortalOutbox {
  /** The privacy-event subscriber: queues an email for request.extended, request.completed and request.refused. */
  readonly subscriber: PrivacyEventSubscriber;
  /** Claims up to `limit` unsent items (a claim lasts two minutes; a crashed sender's items come back). */
  claim(db: Kysely<Database>, limit: number): Promise<OutboxItem[]>;
  markSent(db: Kysely<Database>, id: string): Promise<void>;
}

/** Attempts before an item is left for an operator to look at. */
const maxAttempts = 5;
const claimMs = 120_000;

/**
 * @example
 * const outbox = createPortalOutbox({ clock });
 * privacyEvents.subscribe(outbox.subscriber);
 * for (const item of await outbox.claim(db, 20)) { await send(item); await outbox.markSent(db, item.id); }
 */
export function createPortalOutbox(deps: { readonly clock: Clock }): PortalOutbox {
  return {
    async subscriber(trx, event, occurredAt) {
      const kind = (notifiedEvents as Record<string, NotifiedKind | undefined>)[event.type];
      const requestId = event.data.requestId;
      if (!kind || typeof requestId !== 'string') return;
      await trx
        .insertInto('portal_outbox')
        .values({
          id: randomUUID(),
          workspace_id: event.workspaceId,
          request_id: requestId,
          kind,
          created_at: occurredAt,
          attempts: 0,
          claimed_until: null,
          sent_at: null,
        })
        .execute();
    },

    async claim(db, limit) {
      const now = deps.clock.now();
      const nowIso = now.toISOString();
      const candidates = await db
        .selectFrom('portal_outbox')
        .select(['id', 'workspace_id', 'request_id', 'kind', 'attempts'])
        .where('sent_at', 'is', null)
        .where('attempts', '<', maxAttempts)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowIso)]))
        .orderBy('created_at')
        .limit(limit)
        .execute();
      const claimed: OutboxItem[] = [];
      for (const row of candidates) {
        // A conditional update: with several drains, exactly one claims each row.
        const result = await db
          .updateTable('portal_outbox')
          .set({ claimed_until: new Date(now.getTime() + claimMs).toISOString(), attempts: row.attempts + 1 })
          .where('id', '=', row.id)
          .where('attempts', '=', row.attempts)
          .where('sent_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1)
          claimed.push({
            id: row.id,
            workspaceId: row.workspace_id,
            requestId: row.request_id,
            kind: row.kind as NotifiedKind,
          });
      }
      return claimed;
    },

    async markSent(db, id) {
      await db
        .updateTable('portal_outbox')
        .set({ sent_at: deps.clock.now().toISOString(), claimed_until: null })
        .where('id', '=', id)
        .execute();
    },
  };
}
