import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { SourceType } from '../../kernel/catalogue/catalogue-types.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { isUniqueViolation } from '../../kernel/purposes/unique-violation.ts';
import { classifyPersonField } from './classify-person-field.ts';
import {
  customFieldKeyPattern,
  personFieldAttribute,
  type CustomFieldEntity,
  type CustomFieldType,
  type CustomFieldView,
  type PersonFieldClassification,
} from './custom-field-types.ts';

type FieldRow = Database['custom_fields'];

export interface NewCustomField {
  readonly entity: CustomFieldEntity;
  readonly key: string;
  readonly label: string;
  readonly type: CustomFieldType;
  readonly options?: readonly string[];
  readonly required?: boolean;
  readonly position?: number;
  readonly filterable?: boolean;
  /** Required for person fields, refused on the others. */
  readonly classification?: PersonFieldClassification;
}

export interface CustomFieldPatch {
  readonly label?: string;
  readonly options?: readonly string[];
  readonly required?: boolean;
  readonly position?: number;
  readonly archived?: boolean;
}

/** Custom field definitions: list, read, create (declaring person fields in the catalogue), change, delete. */
export interface CustomFieldDefinitions {
  list(db: Kysely<Database>, workspaceId: string, entity?: CustomFieldEntity): Promise<CustomFieldView[]>;
  /** `NOT_FOUND` when unknown or another workspace's. */
  getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<CustomFieldView>;
  create(ctx: ActorContext, input: NewCustomField): Promise<CustomFieldView>;
  /** `PRECONDITION_FAILED` when `expectedVersion` is stale. */
  update(ctx: ActorContext, id: string, expectedVersion: number, patch: CustomFieldPatch): Promise<CustomFieldView>;
  /** Refuses (`FIELD_HAS_VALUES`) a field holding values unless archived; an archived one goes with its values. */
  remove(ctx: ActorContext, id: string): Promise<{ readonly valuesRemoved: number }>;
}

const selectTypes: ReadonlySet<CustomFieldType> = new Set(['select', 'multi_select']);

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail: `${path.slice(1)}: ${message}`, errors: [{ path, message }] });
}

function checkOptions(type: CustomFieldType, options: readonly string[] | undefined): string[] {
  if (!selectTypes.has(type)) {
    if (options && options.length > 0) throw invalid('/options', 'only select and multi_select fields have options');
    return [];
  }
  const trimmed = (options ?? []).map((o) => o.trim());
  if (trimmed.length === 0) throw invalid('/options', 'a select field needs at least one option');
  if (trimmed.some((o) => o === '')) throw invalid('/options', 'an option cannot be blank');
  if (new Set(trimmed).size !== trimmed.length) throw invalid('/options', 'options must be unique');
  return trimmed;
}

/**
 * The view of a stored row.
 *
 * @example
 * const view = fieldView(row); // { id, entity: 'person', key: 'tier', classification: { category, … }, … }
 */
export function fieldView(row: FieldRow): CustomFieldView {
  return {
    id: row.id,
    entity: row.entity as CustomFieldEntity,
    key: row.key,
    label: row.label,
    type: row.type as CustomFieldType,
    options: JSON.parse(row.options) as string[],
    required: row.required === 1,
    position: row.position,
    archived: row.archived === 1,
    filterable: row.filterable === 1,
    classification:
      row.category === null
        ? null
        : {
            category: row.category,
            special: row.special === 1,
            source: row.source as SourceType,
            retention: row.retention ?? '',
            purposes: JSON.parse(row.purposes) as string[],
          },
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * @example
 * const definitions = createCustomFieldDefinitions({ db, clock, catalogue, purposes });
 * await definitions.create(ctx, { entity: 'deal', key: 'region', label: 'Region', type: 'select', options: ['EMEA', 'APAC'] });
 */
export function createCustomFieldDefinitions(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly catalogue: Pick<Catalogue, 'listCategories' | 'invalidate'>;
  readonly purposes: Pick<PurposeRegister, 'find'>;
}): CustomFieldDefinitions {
  const { db, clock } = deps;
  const kysely = db.kysely;
  const auditDeps = { dialect: db.dialect, clock };

  const findRow = (executor: Kysely<Database>, workspaceId: string, id: string) =>
    executor.selectFrom('custom_fields').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();

  const countValues = async (executor: Kysely<Database>, workspaceId: string, fieldId: string): Promise<number> => {
    const r = await executor
      .selectFrom('custom_field_values')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('field_id', '=', fieldId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  };

  return {
    async list(executor, workspaceId, entity) {
      let query = executor.selectFrom('custom_fields').selectAll().where('workspace_id', '=', workspaceId);
      if (entity) query = query.where('entity', '=', entity);
      const rows = await query.orderBy('entity').orderBy('position').orderBy('key').execute();
      return rows.map(fieldView);
    },

    async getOrThrow(executor, workspaceId, id) {
      const row = await findRow(executor, workspaceId, id);
      if (!row) throw new AppError('NOT_FOUND', { resource: 'custom_field' });
      return fieldView(row);
    },

    async create(ctx, input) {
      if (!new RegExp(customFieldKeyPattern).test(input.key)) throw invalid('/key', 'lower-case letters, digits and _ (up to 40), starting with a letter');
      const options = checkOptions(input.type, input.options);
      if (input.entity !== 'person' && input.classification) {
        throw invalid('/classification', 'only person fields are personal data and take a classification');
      }
      const classification =
        input.entity === 'person' ? await classifyPersonField(deps, kysely, ctx.workspaceId, input.classification) : undefined;
      const now = clock.now().toISOString();
      const row: FieldRow = {
        id: randomUUID(),
        workspace_id: ctx.workspaceId,
        entity: input.entity,
        key: input.key,
        label: input.label.trim(),
        type: input.type,
        options: JSON.stringify(options),
        required: input.required ? 1 : 0,
        position: input.position ?? 0,
        archived: 0,
        filterable: input.filterable ? 1 : 0,
        category: classification?.category ?? null,
        special: classification?.special ? 1 : 0,
        source: classification?.source ?? null,
        retention: classification?.retention ?? null,
        purposes: JSON.stringify(classification?.purposes ?? []),
        version: 1,
        created_at: now,
        updated_at: now,
      };
      const exists = () => new AppError('ALREADY_EXISTS', { resource: 'custom_field', entity: input.entity, key: input.key });
      await kysely
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('custom_fields').values(row).execute();
          const base = { workspaceId: ctx.workspaceId, actor: ctx.actor, outcome: 'allowed' as const, requestId: ctx.requestId ?? null, ip: ctx.ip ?? null };
          if (classification) {
            // Declared on the user's behalf, in the same transaction: the field never exists undeclared.
            const attribute = personFieldAttribute(input.key);
            const declared = await trx
              .selectFrom('catalogue_attributes')
              .select('attribute')
              .where('workspace_id', '=', ctx.workspaceId)
              .where('entity', '=', 'person')
              .where('attribute', '=', attribute)
              .executeTakeFirst();
            if (declared) throw exists();
            await trx
              .insertInto('catalogue_attributes')
              .values({
                workspace_id: ctx.workspaceId,
                entity: 'person',
                attribute,
                category: classification.category,
                special: classification.special ? 1 : 0,
                source: classification.source,
                retention: classification.retention,
                searchable: input.filterable ? 1 : 0,
                builtin: 0,
                description: `Custom field "${row.label}"`,
                created_at: now,
                updated_at: now,
              })
              .execute();
            await appendAudit(trx, auditDeps, {
              ...base,
              action: 'catalogue.attribute.declare',
              resourceType: 'attribute',
              resourceId: `person.${attribute}`,
              details: { category: classification.category, declaredFor: 'custom_field', fieldId: row.id },
            });
          }
          await appendAudit(trx, auditDeps, {
            ...base,
            action: 'custom_field.create',
            resourceType: 'custom_field',
            resourceId: row.id,
            details: { entity: input.entity, key: input.key, type: input.type, ...(classification ? { category: classification.category, purposes: classification.purposes } : {}) },
          });
        })
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) throw exists();
          throw error;
        });
      if (classification) deps.catalogue.invalidate(ctx.workspaceId);
      return fieldView(row);
    },

    async update(ctx, id, expectedVersion, patch) {
      return kysely.transaction().execute(async (trx) => {
        const row = await forUpdate(trx.selectFrom('custom_fields').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', id), db.dialect).executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', { resource: 'custom_field' });
        if (row.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { currentVersion: row.version });
        const changes: Partial<FieldRow> = {};
        if (patch.label !== undefined) changes.label = patch.label.trim();
        if (patch.options !== undefined) changes.options = JSON.stringify(checkOptions(row.type as CustomFieldType, patch.options));
        if (patch.required !== undefined) changes.required = patch.required ? 1 : 0;
        if (patch.position !== undefined) changes.position = patch.position;
        if (patch.archived !== undefined) changes.archived = patch.archived ? 1 : 0;
        const updated: FieldRow = { ...row, ...changes, version: row.version + 1, updated_at: clock.now().toISOString() };
        await trx
          .updateTable('custom_fields')
          .set({ ...changes, version: updated.version, updated_at: updated.updated_at })
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', '=', id)
          .execute();
        await appendAudit(trx, auditDeps, {
          workspaceId: ctx.workspaceId,
          actor: ctx.actor,
          action: 'custom_field.update',
          outcome: 'allowed',
          resourceType: 'custom_field',
          resourceId: id,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
          details: { changed: Object.keys(changes) },
        });
        return fieldView(updated);
      });
    },

    async remove(ctx, id) {
      const removed = await kysely.transaction().execute(async (trx) => {
        const row = await forUpdate(trx.selectFrom('custom_fields').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', id), db.dialect).executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', { resource: 'custom_field' });
        const values = await countValues(trx, ctx.workspaceId, id);
        if (values > 0 && row.archived !== 1) {
          throw new AppError('FIELD_HAS_VALUES', { detail: 'The field holds values: archive it first, then delete it to remove them', values });
        }
        await trx.deleteFrom('custom_field_values').where('workspace_id', '=', ctx.workspaceId).where('field_id', '=', id).execute();
        if (row.entity === 'person') {
          const attribute = personFieldAttribute(row.key);
          await trx.deleteFrom('person_blind_indexes').where('workspace_id', '=', ctx.workspaceId).where('field', '=', attribute).execute();
          // Nothing of the attribute is stored any more: its declaration goes too, so that the key can be used again.
          await trx
            .deleteFrom('catalogue_attributes')
            .where('workspace_id', '=', ctx.workspaceId)
            .where('entity', '=', 'person')
            .where('attribute', '=', attribute)
            .execute();
        }
        await trx.deleteFrom('custom_fields').where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).execute();
        await appendAudit(trx, auditDeps, {
          workspaceId: ctx.workspaceId,
          actor: ctx.actor,
          action: 'custom_field.delete',
          outcome: 'allowed',
          resourceType: 'custom_field',
          resourceId: id,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
          details: { entity: row.entity, key: row.key, valuesRemoved: values },
        });
        return { valuesRemoved: values, person: row.entity === 'person' };
      });
      if (removed.person) deps.catalogue.invalidate(ctx.workspaceId);
      return { valuesRemoved: removed.valuesRemoved };
    },
  };
}
