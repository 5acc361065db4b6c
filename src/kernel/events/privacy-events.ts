import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../clock.ts';

/**
 * Privacy events: what integrations must be told about (Art. 19) and what monitoring reacts to. A feature emits
 * inside the transaction that made the change, so a subscriber that writes rows (the webhook outbox) commits or
 * rolls back with it.
 */
export const privacyEventTypes = [
  'request.received',
  'request.verified',
  'request.extended',
  'request.completed',
  'request.refused',
  'person.rectified',
  'person.erased',
  'person.anonymised',
  'person.restricted',
  'person.restriction_lifted',
  'person.objected',
  'consent.changed',
  'retention.sweep_completed',
  'alert.raised',
  'incident.opened',
  'incident.updated',
] as const;

export type PrivacyEventType = (typeof privacyEventTypes)[number];

/**
 * One event. `data` holds no personal data (ids, codes, counts, purposes, dates); the person is named only by
 * pseudonym, so the payload can leave the process.
 */
export interface PrivacyEvent {
  readonly type: PrivacyEventType;
  readonly workspaceId: string;
  /** Pseudonym of the person concerned, when there is one. */
  readonly subjectPseudonym?: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Reacts to an event inside the emitting transaction. Throwing rolls the change back. */
export type PrivacyEventSubscriber = (trx: Kysely<Database>, event: PrivacyEvent, occurredAt: string) => Promise<void>;

export interface PrivacyEvents {
  /** Calls every subscriber in registration order with the same transaction. */
  emit(trx: Kysely<Database>, event: PrivacyEvent): Promise<void>;
  subscribe(subscriber: PrivacyEventSubscriber): void;
}

/**
 * The process's privacy-event hub, built first in `createAppServices` and handed to every area that emits.
 *
 * @example
 * const events = createPrivacyEvents({ clock });
 * events.subscribe(webhooks.enqueue);
 * await events.emit(trx, { type: 'person.erased', workspaceId, subjectPseudonym, data: { certificateId } });
 */
export function createPrivacyEvents(deps: { readonly clock: Clock }): PrivacyEvents {
  const subscribers: PrivacyEventSubscriber[] = [];
  return {
    async emit(trx, event) {
      const occurredAt = deps.clock.now().toISOString();
      for (const subscriber of subscribers) await subscriber(trx, event, occurredAt);
    },
    subscribe(subscriber) {
      subscribers.push(subscriber);
    },
  };
}
