import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ConsentEvidence } from '../records/consent-types.ts';
import type { ConsentService } from '../records/consent-service.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';

/** A published notice version, as the notices service answers it. */
export interface PublishedNotice {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  /** Public page of the version (always set once published). */
  readonly url: string | null;
  readonly digest: string | null;
}

/**
 * What the consent channels use of the consent core (src/consent/records, notices, receipts, gpc). Declared here by
 * shape, so that the channels depend on these four calls only; the core's services satisfy them.
 */
export interface ConsentCore {
  readonly consent: ConsentService;
  readonly notices: {
    currentPublished(db: Kysely<Database>, workspaceId: string, purposeKey: string, language?: string): Promise<PublishedNotice | null>;
  };
  readonly receipts: {
    issue(db: Kysely<Database>, workspaceId: string, eventId: string): Promise<{ readonly receiptId: string; readonly jws: string }>;
  };
  readonly gpc: {
    apply(db: Kysely<Database>, ctx: ProcessingContext, personId: string, evidence: ConsentEvidence): Promise<unknown>;
  };
}
