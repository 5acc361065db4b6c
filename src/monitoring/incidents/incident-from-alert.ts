import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';

/** An account whose activity an incident concerns (a staff user or an API token). */
export interface InvolvedActor {
  readonly type: 'user' | 'token';
  readonly id: string;
}

/** What an alert hands over when staff turn it into an incident (src/monitoring/alerts -> src/monitoring/incidents). */
export interface IncidentFromAlertInput {
  readonly alertId: string;
  readonly title: string;
  /** No personal data: rule, counts, time window. */
  readonly summary: string;
  /** When the suspicious activity started (ISO-8601 UTC). */
  readonly occurredAt: string;
  /** When the organisation became aware (the alert's time, or now): the Art. 33 72-hour clock starts here. */
  readonly awareAt: string;
  readonly involvedActors: readonly InvolvedActor[];
  /** Audit entries the alert cites as evidence: positions (`seq`) in the workspace's audit chain. */
  readonly evidenceAuditSeqs: readonly number[];
}

/** Opens an incident from an alert (implemented by the incident register, exposed as `services.incidents`). */
export interface IncidentFromAlert {
  openFromAlert(
    trx: Kysely<Database>,
    ctx: ActorContext,
    input: IncidentFromAlertInput,
  ): Promise<{ readonly id: string }>;
}
