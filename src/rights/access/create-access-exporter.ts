import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { DeclaredAttribute } from '../../kernel/catalogue/catalogue-types.ts';
import { categoryWithinAny } from '../../kernel/catalogue/category-prefix.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { DataKey, KeyService } from '../../kernel/crypto/key-service.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import { personAttributes, personColumns } from '../../kernel/people/person-fields.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { AccessExport, AccessExportKind, AccessExporter } from './access-export-types.ts';
import type { AccessSectionRegistry, FlaggedItem, SectionContext } from './access-section.ts';
import { exportZip, type SectionTable } from './export-files.ts';
import { summaryHtml } from './summary-html.ts';
import { summaryLanguageOf } from './summary-texts.ts';

/** Version of the JSON document's shape (docs/access-export-schema.md). */
export const accessExportSchemaVersion = 1;

export interface AccessExporterDeps {
  readonly clock: Clock;
  readonly gate: Gate;
  readonly keys: Pick<KeyService, 'findDataKey'>;
  readonly catalogue: Pick<Catalogue, 'listAttributes'>;
  readonly purposes: Pick<PurposeRegister, 'list'>;
  readonly sections: AccessSectionRegistry;
}

type PersonRow = Database['persons'];

/** Categories of what the export will hold: the person's declared attributes with a value, custom values, content. */
async function categoriesTouched(
  db: Kysely<Database>,
  person: PersonRow,
  attribute: (entity: string, name: string) => DeclaredAttribute | undefined,
): Promise<string[]> {
  const categories = new Set<string>();
  for (const a of personAttributes) {
    const declared = attribute('person', a);
    if (declared && person[personColumns[a]] !== null) categories.add(declared.category);
  }
  const custom = await db
    .selectFrom('custom_field_values as v')
    .innerJoin('custom_fields as f', (j) =>
      j.onRef('f.id', '=', 'v.field_id').onRef('f.workspace_id', '=', 'v.workspace_id'),
    )
    .select('f.category')
    .distinct()
    .where('v.workspace_id', '=', person.workspace_id)
    .where('v.entity', '=', 'person')
    .where('v.record_id', '=', person.id)
    .execute();
  for (const c of custom) if (c.category) categories.add(c.category);
  const activity = await db
    .selectFrom('activity_links')
    .select('activity_id')
    .where('workspace_id', '=', person.workspace_id)
    .where('entity', '=', 'person')
    .where('record_id', '=', person.id)
    .limit(1)
    .executeTakeFirst();
  const task = await db
    .selectFrom('tasks')
    .select('id')
    .where('workspace_id', '=', person.workspace_id)
    .where('linked_entity', '=', 'person')
    .where('linked_id', '=', person.id)
    .limit(1)
    .executeTakeFirst();
  if (activity) for (const name of ['subject', 'body']) addCategory(categories, attribute('activity', name));
  if (task) addCategory(categories, attribute('task', 'title'));
  return [...categories].sort();
}

function addCategory(into: Set<string>, declared: DeclaredAttribute | undefined) {
  if (declared) into.add(declared.category);
}

/** The language the person last used with us (a consent or a request), when none is asked for; else English. */
async function latestLanguageOf(db: Kysely<Database>, person: PersonRow): Promise<string> {
  const consent = await db
    .selectFrom('consent_events')
    .select(['language', 'recorded_at as at'])
    .where('workspace_id', '=', person.workspace_id)
    .where('person_id', '=', person.id)
    .where('language', 'is not', null)
    .orderBy('recorded_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const request = await db
    .selectFrom('requests')
    .select(['language', 'received_at as at'])
    .where('workspace_id', '=', person.workspace_id)
    .where('person_id', '=', person.id)
    .orderBy('received_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const latest = [consent, request]
    .filter((r) => r?.language)
    .sort((a, b) => ((a?.at ?? '') < (b?.at ?? '') ? 1 : -1))[0];
  return latest?.language ?? 'en';
}

/**
 * Category prefixes the person provided data under consent (current) or contract: what Art. 20 covers.
 */
async function portablePrefixes(
  deps: AccessExporterDeps,
  db: Kysely<Database>,
  person: PersonRow,
  now: string,
): Promise<string[]> {
  const purposes = await deps.purposes.list(db, person.workspace_id);
  const consents = await db
    .selectFrom('consent_records')
    .select(['purpose_key', 'state', 'expires_at'])
    .where('workspace_id', '=', person.workspace_id)
    .where('person_id', '=', person.id)
    .execute();
  const consented = new Set(
    consents
      .filter(
        (r) =>
          (r.state === 'given' || r.state === 'renewed') && (r.expires_at === null || r.expires_at > now),
      )
      .map((r) => r.purpose_key),
  );
  return purposes
    .filter((p) => p.lawfulBasis === 'contract' || (p.lawfulBasis === 'consent' && consented.has(p.key)))
    .flatMap((p) => [...p.requiredCategories, ...p.optionalCategories]);
}

/**
 * The access and portability export (Art. 15 and 20): every registered section collected for one person, through
 * the gate (operation `export`, one audit entry `person.access_export` with the kind), as a JSON document, a zip
 * (JSON, one CSV per section, the summary) and a readable HTML summary in the person's language.
 *
 * @example
 * const exporter = createAccessExporter({ clock, gate, keys, catalogue, purposes, sections });
 * const out = await exporter.build(db.kysely, ctx, personId, { kind: 'access', language: 'fr' });
 * out.flaggedForReview.length; // activities that also name other people
 */
export function createAccessExporter(deps: AccessExporterDeps): AccessExporter {
  return {
    async build(db, ctx, personId, options): Promise<AccessExport> {
      const kind: AccessExportKind = options.kind;
      if (kind !== 'access' && kind !== 'portability')
        throw new AppError('VALIDATION_FAILED', { detail: 'kind: access or portability' });
      const person = await db
        .selectFrom('persons')
        .selectAll()
        .where('workspace_id', '=', ctx.workspaceId)
        .where('id', '=', personId)
        .executeTakeFirst();
      if (!person) throw new AppError('NOT_FOUND', { resource: 'person' });
      if (person.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
      if (person.erasing_run_id !== null)
        throw new AppError('CONFLICT', { detail: 'An erasure of this person is in progress' });

      const declared = await deps.catalogue.listAttributes(db, ctx.workspaceId);
      const byName = new Map(declared.map((a) => [`${a.entity}.${a.attribute}`, a]));
      const attribute = (entity: string, name: string) => byName.get(`${entity}.${name}`);
      const language = summaryLanguageOf(options.language.trim() || (await latestLanguageOf(db, person)));

      await deps.gate.check(db, ctx, {
        personIds: [person.id],
        operation: 'export',
        categories: await categoriesTouched(db, person, attribute),
        pseudonyms: new Map([[person.id, person.pseudonym]]),
        allowedEntry: {
          action: 'person.access_export',
          resourceId: person.id,
          subjectPseudonym: person.pseudonym,
          details: { kind, language },
        },
      });

      let key: DataKey | undefined;
      try {
        key = await deps.keys.findDataKey(db, ctx.workspaceId, person.id);
      } catch (error) {
        if (isAppError(error) && error.code === 'KEY_DESTROYED')
          throw new AppError('GONE', { resource: 'person' });
        throw error;
      }
      const now = deps.clock.now();
      const generatedAt = now.toISOString();
      const prefixes = kind === 'portability' ? await portablePrefixes(deps, db, person, generatedAt) : [];
      const sectionCtx: SectionContext = {
        db,
        workspaceId: ctx.workspaceId,
        person,
        key,
        kind,
        now: generatedAt,
        attribute,
        portable: (category, source) =>
          kind === 'access' ||
          (source === 'provided' && category !== null && categoryWithinAny(category, prefixes)),
      };

      const tables: SectionTable[] = [];
      const jsonSections: Record<string, unknown> = {};
      const flaggedForReview: { section: string; recordId: string; reason: string }[] = [];
      for (const section of deps.sections.list()) {
        if (kind === 'portability' && !section.portability) continue;
        const out = await section.collect(sectionCtx);
        tables.push({ key: section.key, items: out.items });
        jsonSections[section.key] = { tables: section.tables, count: out.items.length, items: out.items };
        for (const f of out.flagged ?? ([] as FlaggedItem[]))
          flaggedForReview.push({ section: section.key, recordId: f.recordId, reason: f.reason });
      }
      const json = {
        schemaVersion: accessExportSchemaVersion,
        kind,
        generatedAt,
        language,
        subject: { id: person.id, pseudonym: person.pseudonym },
        sections: jsonSections,
        flaggedForReview,
      };
      const html = summaryHtml({
        kind,
        language,
        generatedAt,
        sections: tables,
        flaggedCount: flaggedForReview.length,
      });
      const zip = exportZip({ json, sections: tables, html, at: now });
      return { json, zip, html, flaggedForReview };
    },
  };
}
