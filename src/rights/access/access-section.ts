import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { DeclaredAttribute } from '../../kernel/catalogue/catalogue-types.ts';
import type { DataKey } from '../../kernel/crypto/key-service.ts';
import type { AccessExportKind } from './access-export-types.ts';

/** What every section may read: the person's row and data key, the workspace, the kind of export. */
export interface SectionContext {
  readonly db: Kysely<Database>;
  readonly workspaceId: string;
  /** The person's `persons` row (not erased). */
  readonly person: Selectable<Database['persons']>;
  /** The person's data key, or undefined when they never had one (nothing of theirs is encrypted then). */
  readonly key: DataKey | undefined;
  readonly kind: AccessExportKind;
  /** When the export is built (ISO-8601 UTC, from the injected clock). */
  readonly now: string;
  /**
   * Portability (Art. 20): whether a value of this category with this source was provided by the person under a
   * consent or contract basis. Always true for an access export.
   */
  readonly portable: (category: string | null, source: string | null) => boolean;
  /** The catalogue's declaration of `entity.attribute` (category, source, retention), when declared. */
  readonly attribute: (entity: string, name: string) => DeclaredAttribute | undefined;
}

/** An item naming other people: released only after staff review (Art. 15(4)). */
export interface FlaggedItem {
  readonly recordId: string;
  readonly reason: string;
}

/** What a section found: one object per record (JSON values, flat where possible so the CSV reads well). */
export interface SectionOutput {
  readonly items: readonly Readonly<Record<string, unknown>>[];
  readonly flagged?: readonly FlaggedItem[];
}

/**
 * One part of an access export: collects one kind of data held about a person. `tables` names every table it reads
 * personal data from (the coverage test checks each table with a `person_id` column is covered by some section or
 * listed as an exclusion). `portability` says whether the section counts for Art. 20 at all; the section filters its
 * values further with `ctx.portable`.
 */
export interface AccessSection {
  /** Stable key: the JSON property, the CSV file name, the summary's heading. */
  readonly key: string;
  readonly tables: readonly string[];
  readonly portability: boolean;
  collect(ctx: SectionContext): Promise<SectionOutput>;
}

/** The sections of an export, in the order they appear; features may register more. */
export interface AccessSectionRegistry {
  register(section: AccessSection): void;
  list(): readonly AccessSection[];
  /** Every table some section covers. */
  coveredTables(): ReadonlySet<string>;
}

/**
 * @example
 * const registry = createAccessSectionRegistry();
 * registry.register({ key: 'loyalty', tables: ['loyalty_cards'], portability: true, collect: async (c) => ({ items: [] }) });
 */
export function createAccessSectionRegistry(initial: readonly AccessSection[] = []): AccessSectionRegistry {
  const sections: AccessSection[] = [];
  const registry: AccessSectionRegistry = {
    register(section) {
      if (sections.some((s) => s.key === section.key))
        throw new Error(`access section ${section.key} registered twice`);
      sections.push(section);
    },
    list: () => [...sections],
    coveredTables: () => new Set(sections.flatMap((s) => s.tables)),
  };
  for (const s of initial) registry.register(s);
  return registry;
}
