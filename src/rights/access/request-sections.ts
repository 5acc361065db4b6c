import type { AccessSection } from './access-section.ts';

/**
 * The person's data subject requests (src/rights/requests): type, status, channel, deadlines, how identity was
 * checked, the outcome. The requester's email and the request's free text are encrypted under the request's own key
 * and stay with the request (the email is the person's, already in their contact points).
 *
 * @example
 * registry.register(requestsSection());
 */
export function requestsSection(): AccessSection {
  return {
    key: 'requests',
    tables: ['requests'],
    portability: false,
    async collect(c) {
      const rows = await c.db
        .selectFrom('requests')
        .select([
          'reference',
          'type',
          'status',
          'channel',
          'language',
          'received_at',
          'due_at',
          'extended_until',
          'extension_reason',
          'identity_verified_at',
          'identity_method',
          'completed_at',
          'refusal_reason',
        ])
        .where('workspace_id', '=', c.workspaceId)
        .where('person_id', '=', c.person.id)
        .orderBy('received_at')
        .execute();
      return {
        items: rows.map((r) => ({
          reference: r.reference,
          type: r.type,
          status: r.status,
          channel: r.channel,
          language: r.language,
          receivedAt: r.received_at,
          dueAt: r.due_at,
          extendedUntil: r.extended_until,
          extensionReason: r.extension_reason,
          identityVerifiedAt: r.identity_verified_at,
          identityMethod: r.identity_method,
          completedAt: r.completed_at,
          refusalReason: r.refusal_reason,
        })),
      };
    },
  };
}
