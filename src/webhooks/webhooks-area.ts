import type { Db } from '../db/database.ts';
import type { Clock } from '../kernel/clock.ts';
import { createSecretBox } from '../kernel/crypto/secret-box.ts';
import type { PrivacyEvents } from '../kernel/events/privacy-events.ts';
import { createWebhookDeliveries, type WebhookDeliveries } from './webhook-deliveries.ts';
import { createWebhookDispatcher, type WebhookDispatcher } from './webhook-dispatcher.ts';
import { createWebhookEndpoints, type WebhookEndpoints } from './webhook-endpoints.ts';
import { createWebhookOutbox } from './webhook-outbox.ts';

/** Signed outgoing webhooks for privacy events (Art. 19: integrations are told). */
export interface WebhooksArea {
  readonly endpoints: WebhookEndpoints;
  readonly deliveries: WebhookDeliveries;
  readonly dispatcher: WebhookDispatcher;
}

/**
 * Builds the webhook endpoints, delivery log and dispatcher, and subscribes the outbox to the privacy events.
 *
 * @example
 * const webhooks = createWebhooksArea({ db, clock, serverSecret: keyFiles.serverSecret, mode: config.mode, events: privacyEvents });
 */
export function createWebhooksArea(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly serverSecret: Buffer;
  readonly mode: 'production' | 'development' | 'test';
  readonly events: PrivacyEvents;
}): WebhooksArea {
  const base = { dialect: deps.db.dialect, clock: deps.clock };
  const endpoints = createWebhookEndpoints({ ...base, mode: deps.mode, box: createSecretBox(deps.serverSecret, 'custodian:webhooks:secret') });
  deps.events.subscribe(createWebhookOutbox({ endpoints }));
  return {
    endpoints,
    deliveries: createWebhookDeliveries({ ...base, endpoints }),
    dispatcher: createWebhookDispatcher({ clock: deps.clock, endpoints }),
  };
}
