import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';

/** `access` (Art. 15): everything. `portability` (Art. 20): what the person provided under consent or contract. */
export type AccessExportKind = 'access' | 'portability';

/** The finished export of one person (src/rights/access). */
export interface AccessExport {
  /** The JSON document (schema documented in docs/access-export-schema.md). */
  readonly json: Readonly<Record<string, unknown>>;
  /** JSON plus one CSV per table and the readable summary, zipped. */
  readonly zip: Uint8Array;
  /** The readable summary in the person's language. */
  readonly html: string;
  /** Items that name other people and need staff review before release (Art. 15(4)). */
  readonly flaggedForReview: readonly {
    readonly section: string;
    readonly recordId: string;
    readonly reason: string;
  }[];
}

/**
 * Builds a person's access or portability export through the gate (operation `export`) and audits it once.
 * Used by request fulfilment (src/rights/fulfilment) and by staff from the person's page.
 */
export interface AccessExporter {
  build(
    db: Kysely<Database>,
    ctx: ProcessingContext,
    personId: string,
    options: { readonly kind: AccessExportKind; readonly language: string },
  ): Promise<AccessExport>;
}
