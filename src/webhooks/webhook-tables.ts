import type { Generated } from 'kysely';

/** Outgoing webhooks (migration 0120_webhooks): endpoints, the delivery outbox and every delivery attempt. */
export interface WebhookTables {
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
}

export interface WebhookEndpointTable {
  id: string;
  workspace_id: string;
  /** Where deliveries are POSTed. Not personal data; an integration's URL. */
  url: string;
  description: string;
  /** JSON array of privacy event types, or `["*"]`. */
  event_types: string;
  /** The signing secret, sealed under a key derived from the server secret (AES-256-GCM, bound to the endpoint). */
  secret: Buffer;
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
}

/** One event to deliver to one endpoint. The payload holds no personal data (pseudonym, ids, codes). */
export interface WebhookDeliveryTable {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  event_type: string;
  /**
   * Pseudonym of the person the event is about (the payload's `data.subjectPseudonym`), or null for events about no
   * one. Indexed, so the access export lists a person's disclosures without reading payloads (migration 0180).
   */
  subject_pseudonym: string | null;
  /** The JSON body sent, fixed at enqueue so every retry sends the same bytes. */
  payload: string;
  /** `pending`, `delivered` or `dead` (gave up after the last retry). */
  status: string;
  attempts: number;
  next_attempt_at: string;
  /** A dispatcher's claim on the delivery until this time (so two processes never send it at once). */
  claimed_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookAttemptTable {
  id: Generated<number>;
  workspace_id: string;
  delivery_id: string;
  attempted_at: string;
  /** HTTP status of the answer, or null when none came (timeout, refused connection). */
  status_code: number | null;
  duration_ms: number;
  /** An error code (`timeout`, `connection_failed`, `http_500`…), never the response body. */
  error: string | null;
}
