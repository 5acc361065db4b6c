import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { PrivacyEvent } from '../kernel/events/privacy-events.ts';
import type { WebhookEndpoints } from './webhook-endpoints.ts';

/** The JSON body of a delivery (Standard Webhooks shape: type, timestamp, data). No personal data. */
export function webhookPayload(
  event: { readonly type: string } & Pick<PrivacyEvent, 'workspaceId' | 'subjectPseudonym' | 'data'>,
  occurredAt: string,
): string {
  return JSON.stringify({
    type: event.type,
    timestamp: occurredAt,
    data: { workspaceId: event.workspaceId, subjectPseudonym: event.subjectPseudonym ?? null, ...event.data },
  });
}

/**
 * The privacy-event subscriber that fills the delivery outbox: one pending delivery per subscribed active endpoint,
 * written in the emitting transaction (a change that rolls back sends nothing; one that commits is delivered).
 *
 * @example
 * privacyEvents.subscribe(createWebhookOutbox({ endpoints }));
 */
export function createWebhookOutbox(deps: { readonly endpoints: WebhookEndpoints }) {
  return async (trx: Kysely<Database>, event: PrivacyEvent, occurredAt: string): Promise<void> => {
    const endpoints = await deps.endpoints.subscribersOf(trx, event.workspaceId, event.type);
    if (endpoints.length === 0) return;
    const payload = webhookPayload(event, occurredAt);
    await trx
      .insertInto('webhook_deliveries')
      .values(
        endpoints.map((endpoint) => ({
          id: randomUUID(),
          workspace_id: event.workspaceId,
          endpoint_id: endpoint.id,
          event_type: event.type,
          subject_pseudonym: event.subjectPseudonym ?? null,
          payload,
          status: 'pending',
          attempts: 0,
          next_attempt_at: occurredAt,
          claimed_until: null,
          last_status_code: null,
          last_error: null,
          created_at: occurredAt,
          delivered_at: null,
        })),
      )
      .execute();
  };
}
