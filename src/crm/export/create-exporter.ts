import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, isAppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { BlindIndex } from '../../kernel/crypto/blind-index.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import { decideProcessing } from '../../kernel/gate/decide-processing.ts';
import type { ActorContext, ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { createPersonViews } from '../../kernel/people/person-views.ts';
import { readableAttributes } from '../../kernel/people/readable-attributes.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { purposeNeedsConsent } from '../../kernel/purposes/purpose-types.ts';
import { loadStandings } from '../../kernel/standing/load-standings.ts';
import type { CustomFieldArea } from '../custom-fields/custom-field-area.ts';
import { personFieldAttribute, type CustomFieldView, type CustomValue } from '../custom-fields/custom-field-types.ts';
import { indexTermsOf } from '../custom-fields/validate-custom-value.ts';
import { checkListFilters, type DealFilters, type OrganizationFilters, type PersonFilters } from '../views/list-filters.ts';
import type { ExportFormat } from './export-stream.ts';
import { exportColumnAttribute, personExportColumns, personExportRow } from './person-export-row.ts';

/** An export ready to stream: its columns, how many records, and the rows (read page by page). */
export interface PreparedExport {
  readonly columns: readonly string[];
  readonly count: number;
  readonly rows: AsyncIterable<Record<string, unknown>>;
}

export interface Exporter {
  /**
   * People matching `filters`, through the gate (operation `export`, one audit entry with the count and a digest of
   * the ids). People whose standing refuses the purpose (objection, restriction, missing consent) are left out.
   */
  preparePeople(ctx: ProcessingContext, filters: unknown): Promise<PreparedExport>;
  /** Organizations or deals matching `filters` (business data), audited once with the count. */
  prepareRecords(ctx: ActorContext & { readonly purpose: string }, entity: 'organization' | 'deal', filters: unknown, format: ExportFormat): Promise<PreparedExport>;
}

const pageSize = 500;
const personLevelRefusals: ReadonlySet<string> = new Set(['OBJECTED', 'RESTRICTED', 'CONSENT_MISSING']);
const recordTables = { organization: 'organizations', deal: 'deals' } as const;
/** Internal columns never exported. */
const hiddenColumns = new Set(['workspace_id', 'name_key', 'title_key']);

const endOfDay = (day: string) => `${day}T23:59:59.999Z`;

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail: `${path.slice(1)}: ${message}`, errors: [{ path, message }] });
}

function camel(column: string): string {
  return column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function matchesCustom(values: Readonly<Record<string, CustomValue>> | undefined, wanted: readonly { key: string; value: string }[], normalise: (s: string) => string): boolean {
  return wanted.every((w) => {
    const value = values?.[w.key];
    return value !== undefined && indexTermsOf(value).some((term) => normalise(term) === normalise(w.value));
  });
}

const normaliseText = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();

/**
 * @example
 * const exporter = createExporter({ db, clock, keys, fieldCipher, blindIndex, gate, purposes, catalogue, customFields });
 * const out = await exporter.preparePeople(ctx, { createdFrom: '2026-01-01' });
 * reply.send(exportStream('csv', out.columns, out.rows));
 */
export function createExporter(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly blindIndex: BlindIndex;
  readonly gate: Gate;
  readonly purposes: Pick<PurposeRegister, 'find'>;
  readonly catalogue: Pick<Catalogue, 'assertDeclared' | 'categoryFacts'>;
  readonly customFields: CustomFieldArea;
}): Exporter {
  const { db, keys, blindIndex, gate } = deps;
  const personViews = createPersonViews(deps);
  const kysely = db.kysely;

  /** The custom fields a filter names, checked: they exist, are filterable and (people) serve the purpose. */
  const filterFields = (fields: readonly CustomFieldView[], wanted: readonly { key: string }[], purpose?: string) =>
    wanted.map((w, i) => {
      const field = fields.find((f) => f.key === w.key);
      if (!field) throw invalid(`/filters/custom/${i}/key`, 'no such custom field');
      if (!field.filterable) throw invalid(`/filters/custom/${i}/key`, 'the field is not filterable');
      if (purpose !== undefined && !field.classification?.purposes.includes(purpose)) {
        throw new AppError('FIELD_NOT_IN_PURPOSE', { detail: `The field does not serve purpose ${purpose}`, purpose, fields: [field.key] });
      }
      return field;
    });

  /** Persons of the page the gate's pure decision refuses for their standing (kept out of the export). */
  const refusedByStanding = async (ctx: ProcessingContext, ids: readonly string[], names: readonly string[]): Promise<Set<string>> => {
    try {
      const purpose = await deps.purposes.find(kysely, ctx.workspaceId, ctx.purpose);
      if (!purpose || ids.length === 0) return new Set();
      const declared = await deps.catalogue.assertDeclared(kysely, ctx.workspaceId, 'person', names);
      const categories = await deps.catalogue.categoryFacts(kysely, ctx.workspaceId, declared.map((d) => d.category));
      const base = { purpose, role: ctx.role, categories, operation: 'export' as const };
      if (!decideProcessing({ ...base, standings: [] }).allowed) return new Set();
      const withConsent = purposeNeedsConsent(purpose, categories.some((c) => c.special));
      const standings = await loadStandings(kysely, ctx.workspaceId, ids, purpose.key, { withConsent });
      const refused = new Set<string>();
      for (const st of standings) {
        const d = decideProcessing({ ...base, standings: [st] });
        if (!d.allowed && personLevelRefusals.has(d.code)) refused.add(st.personId);
      }
      return refused;
    } catch (error) {
      // Undeclared data and the like: the gate itself refuses below, with its audit entry.
      if (isAppError(error)) return new Set();
      throw error;
    }
  };

  return {
    async preparePeople(ctx, rawFilters) {
      const filters = checkListFilters('person', rawFilters ?? {}) as PersonFilters;
      const allFields = await deps.customFields.definitions.list(kysely, ctx.workspaceId, 'person');
      const fields = allFields.filter((f) => f.classification?.purposes.includes(ctx.purpose));
      const wanted = filters.custom ?? [];
      filterFields(allFields, wanted, ctx.purpose);

      let query = kysely
        .selectFrom('persons')
        .select(['id', 'pseudonym'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('erased_at', 'is', null)
        .where('erasing_run_id', 'is', null);
      if (filters.lifecycleStage) query = query.where('lifecycle_stage', '=', filters.lifecycleStage);
      if (filters.ownerUserId) query = query.where('owner_user_id', '=', filters.ownerUserId);
      if (filters.organizationId) query = query.where('organization_id', '=', filters.organizationId);
      if (filters.createdFrom) query = query.where('created_at', '>=', filters.createdFrom);
      if (filters.createdTo) query = query.where('created_at', '<=', endOfDay(filters.createdTo));
      if (filters.updatedFrom) query = query.where('updated_at', '>=', filters.updatedFrom);
      if (filters.updatedTo) query = query.where('updated_at', '<=', endOfDay(filters.updatedTo));
      if (filters.tag) {
        const tag = filters.tag;
        query = query.where('id', 'in', (eb) => eb.selectFrom('person_tags').select('person_id').where('workspace_id', '=', ctx.workspaceId).where('tag', '=', tag));
      }
      for (const w of wanted) {
        const attribute = personFieldAttribute(w.key);
        const hash = blindIndex.compute(ctx.workspaceId, attribute, w.value, 'text');
        query = query.where('id', 'in', (eb) =>
          eb.selectFrom('person_blind_indexes').select('person_id').where('workspace_id', '=', ctx.workspaceId).where('field', '=', attribute).where('hash', '=', hash),
        );
      }
      const candidates = await query.orderBy('created_at').orderBy('id').execute();
      // Minimisation: only the attributes the role and the purpose may both see are exported (and checked).
      const { readable } = await readableAttributes(kysely, deps, ctx);
      const names = [...readable, ...fields.map((f) => personFieldAttribute(f.key))];
      const refused = await refusedByStanding(ctx, candidates.map((c) => c.id), names);
      const ids = candidates.filter((c) => !refused.has(c.id)).map((c) => c.id);
      await gate.check(kysely, ctx, {
        personIds: ids,
        operation: 'export',
        attributes: { entity: 'person', names },
        pseudonyms: new Map(candidates.map((c) => [c.id, c.pseudonym])),
      });

      const shown = new Set<string>(readable);
      const attributeColumns = personExportColumns.filter((c) => !(c in exportColumnAttribute) || shown.has(exportColumnAttribute[c as keyof typeof exportColumnAttribute]));
      const columns = [...attributeColumns, ...fields.map((f) => personFieldAttribute(f.key))];
      const rows = async function* (): AsyncGenerator<Record<string, unknown>> {
        for (let i = 0; i < ids.length; i += pageSize) {
          const page = ids.slice(i, i + pageSize);
          const persons = await kysely.selectFrom('persons').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', 'in', page).orderBy('created_at').orderBy('id').execute();
          const pageKeys = await keys.getDataKeys(kysely, ctx.workspaceId, page);
          const views = await personViews.load(kysely, persons, pageKeys, readable);
          const custom = await deps.customFields.values.readMany(kysely, ctx.workspaceId, 'person', page, fields, pageKeys);
          for (const view of views) {
            // The index is truncated: keep the true matches only.
            if (wanted.length > 0 && !matchesCustom(custom.get(view.id), wanted, normaliseText)) continue;
            const row = personExportRow(view);
            for (const f of fields) row[personFieldAttribute(f.key)] = custom.get(view.id)?.[f.key] ?? null;
            yield row;
          }
        }
      };
      return { columns, count: ids.length, rows: rows() };
    },

    async prepareRecords(ctx, entity, rawFilters, format) {
      const filters = checkListFilters(entity, rawFilters ?? {}) as OrganizationFilters & DealFilters;
      const fields = await deps.customFields.definitions.list(kysely, ctx.workspaceId, entity);
      const wanted = filters.custom ?? [];
      filterFields(fields, wanted);
      const where = [sql`workspace_id = ${ctx.workspaceId}`];
      const equal = { ownerUserId: 'owner_user_id', industry: 'industry', sizeBand: 'size_band', country: 'country', pipelineId: 'pipeline_id', stageId: 'stage_id', organizationId: 'organization_id', status: 'status' } as const;
      for (const [name, column] of Object.entries(equal)) {
        const value = filters[name as keyof typeof equal];
        if (value !== undefined) where.push(sql`${sql.ref(column)} = ${value}`);
      }
      if (filters.createdFrom) where.push(sql`created_at >= ${filters.createdFrom}`);
      if (filters.createdTo) where.push(sql`created_at <= ${endOfDay(filters.createdTo)}`);
      if (filters.closeFrom) where.push(sql`expected_close_date >= ${filters.closeFrom}`);
      if (filters.closeTo) where.push(sql`expected_close_date <= ${filters.closeTo}`);
      const table = sql.table(recordTables[entity]);
      const result = await sql<Record<string, unknown>>`select * from ${table} where ${sql.join(where, sql` and `)} order by created_at, id`.execute(kysely);
      const custom = await deps.customFields.values.readMany(kysely, ctx.workspaceId, entity, result.rows.map((r) => String(r.id)), fields);
      const records = result.rows.filter((r) => wanted.length === 0 || matchesCustom(custom.get(String(r.id)), wanted, normaliseText));
      const first = records[0] ?? result.rows[0];
      const base = first ? Object.keys(first).filter((c) => !hiddenColumns.has(c)) : ['id'];
      const columns = [...base.map(camel), ...fields.map((f) => `custom.${f.key}`)];
      await appendExportNote(ctx, entity, { format, count: records.length });
      const rows = async function* (): AsyncGenerator<Record<string, unknown>> {
        for (const record of records) {
          const row: Record<string, unknown> = {};
          for (const c of base) row[camel(c)] = record[c];
          for (const f of fields) row[`custom.${f.key}`] = custom.get(String(record.id))?.[f.key] ?? null;
          yield row;
        }
      };
      return { columns, count: records.length, rows: rows() };
    },
  };

  /** The one audit entry of a business-records export (a people export's entry is the gate's). */
  async function appendExportNote(ctx: ActorContext & { purpose: string }, entity: 'organization' | 'deal', details: Record<string, unknown>): Promise<void> {
    await kysely.transaction().execute((trx: Kysely<Database>) =>
      appendAudit(trx, { dialect: db.dialect, clock: deps.clock }, {
        workspaceId: ctx.workspaceId,
        actor: ctx.actor,
        action: `${entity}.export`,
        outcome: 'allowed',
        resourceType: entity,
        purpose: ctx.purpose,
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
        details,
      }),
    );
  }
}
