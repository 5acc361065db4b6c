import type { AccessSection } from './access-section.ts';

/** The host an endpoint posts to (never its path or query, which may carry an integration's token). */
function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/**
 * Disclosures (Art. 15(1)(c), Art. 19): the privacy events about the person sent to integrations by webhook
 * (src/webhooks). Payloads name people by pseudonym only; each delivery carries it in `subject_pseudonym`.
 *
 * @example
 * registry.register(webhookDisclosuresSection());
 */
export function webhookDisclosuresSection(): AccessSection {
  return {
    key: 'disclosures',
    tables: ['webhook_deliveries', 'webhook_endpoints'],
    portability: false,
    async collect(c) {
      const rows = await c.db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', (j) =>
          j.onRef('e.id', '=', 'd.endpoint_id').onRef('e.workspace_id', '=', 'd.workspace_id'),
        )
        .select([
          'd.id',
          'd.event_type',
          'd.status',
          'd.created_at',
          'd.delivered_at',
          'e.url',
          'e.description',
        ])
        .where('d.workspace_id', '=', c.workspaceId)
        // Indexed (webhook_deliveries_subject, migration 0180); the outbox writes the payload's pseudonym here.
        .where('d.subject_pseudonym', '=', c.person.pseudonym)
        .orderBy('d.created_at')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          event: r.event_type,
          recipient: r.description || hostOf(r.url),
          recipientHost: hostOf(r.url),
          status: r.status,
          queuedAt: r.created_at,
          deliveredAt: r.delivered_at,
        })),
      };
    },
  };
}
