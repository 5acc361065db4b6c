import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { Processor } from '../../governance/processors/processor-types.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ErasurePipeline } from '../../kernel/erasure/erasure-pipeline.ts';
import type { PrivacyEvents } from '../../kernel/events/privacy-events.ts';
import type { PeopleService } from '../../kernel/people/people-service.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { StandingService } from '../../kernel/standing/standing-service.ts';
import type { Mailer } from '../../mail/mailer.ts';
import type { AccessExporter } from '../access/access-export-types.ts';
import type { RequestInbox } from '../requests/request-service.ts';

/** What request fulfilment touches: the request inbox, the kernel's services and the governance registers. */
export interface FulfilmentDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly requests: RequestInbox;
  readonly accessExporter: AccessExporter;
  readonly people: PeopleService;
  readonly standing: StandingService;
  readonly erasure: ErasurePipeline;
  readonly purposes: Pick<PurposeRegister, 'list' | 'find'>;
  /** The processors register (Art. 19 recipients). */
  readonly processors: { listAll(db: Kysely<Database>, workspaceId: string): Promise<Processor[]> };
  readonly privacyEvents: PrivacyEvents;
  /** The workspace's mailer (its SMTP settings, else the server's). */
  readonly mailerFor: (db: Kysely<Database>, workspaceId: string) => Promise<Mailer>;
}
