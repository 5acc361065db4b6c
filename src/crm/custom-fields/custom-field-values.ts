import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { isUniqueViolation } from '../../kernel/purposes/unique-violation.ts';
import { normaliseText, type BlindIndex } from '../../kernel/crypto/blind-index.ts';
import type { CustomFilterConfirmer } from '../../kernel/people/people-list-query.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { DataKey, KeyService } from '../../kernel/crypto/key-service.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { ActorContext, ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { Clock } from '../../kernel/clock.ts';
import { fieldView } from './custom-field-definitions.ts';
import { personFieldAttribute, type CustomFieldEntity, type CustomFieldView, type CustomValue } from './custom-field-types.ts';
import { customValueBinding } from './custom-value-binding.ts';
import { checkCustomValue, indexTermsOf } from './validate-custom-value.ts';

/** The custom values of one record, with the version its ETag carries (0 before the first value). */
export interface CustomValueSet {
  readonly entity: CustomFieldEntity;
  readonly recordId: string;
  readonly version: number;
  /** Values by field key. */
  readonly values: Readonly<Record<string, CustomValue>>;
}

/** Changes by field key: a value sets it, null removes it; fields not named stay as they are. */
export type CustomValuePatch = Readonly<Record<string, unknown>>;

export interface CustomFieldValues {
  /** A person's values of the fields serving the request's purpose, through the gate (`read`). */
  getForPerson(ctx: ProcessingContext, personId: string): Promise<CustomValueSet>;
  /** Writes a person's values through the gate (`write`), encrypted under their key, blind-indexed when filterable. */
  putForPerson(ctx: ProcessingContext, personId: string, expectedVersion: number, patch: CustomValuePatch): Promise<CustomValueSet>;
  /** An organization's or deal's values (business data, plain). */
  getForRecord(ctx: ActorContext, entity: 'organization' | 'deal', recordId: string): Promise<CustomValueSet>;
  putForRecord(ctx: ActorContext, entity: 'organization' | 'deal', recordId: string, expectedVersion: number, patch: CustomValuePatch): Promise<CustomValueSet>;
  /**
   * Values of many records at once, for exports. No gate here: the caller has run it for these records. Person
   * values need `keys` (records without a key are left out).
   */
  readMany(
    db: Kysely<Database>,
    workspaceId: string,
    entity: CustomFieldEntity,
    recordIds: readonly string[],
    fields: readonly CustomFieldView[],
    keys?: ReadonlyMap<string, DataKey>,
  ): Promise<Map<string, Record<string, CustomValue>>>;
  /** Which of the people truly hold every filtered value (decrypted), behind the truncated blind index of list filters. */
  confirmPersonFilters: CustomFilterConfirmer;
}

const recordTables = { organization: 'organizations', deal: 'deals' } as const;

function invalid(errors: { path: string; message: string }[]): AppError {
  return new AppError('VALIDATION_FAILED', { detail: errors.map((e) => `${e.path.slice(1)}: ${e.message}`).join('; '), errors });
}

/**
 * @example
 * const values = createCustomFieldValues({ db, clock, keys, fieldCipher, blindIndex, gate });
 * await values.putForPerson(ctx, personId, 0, { tier: 'gold' });
 * (await values.getForPerson(ctx, personId)).values; // { tier: 'gold' }
 */
export function createCustomFieldValues(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly blindIndex: BlindIndex;
  readonly gate: Gate;
}): CustomFieldValues {
  const { db, clock, keys, fieldCipher, blindIndex, gate } = deps;
  const kysely = db.kysely;

  const fieldsOf = async (executor: Kysely<Database>, workspaceId: string, entity: CustomFieldEntity) =>
    (await executor.selectFrom('custom_fields').selectAll().where('workspace_id', '=', workspaceId).where('entity', '=', entity).orderBy('position').orderBy('key').execute()).map(fieldView);

  const versionOf = async (executor: Kysely<Database>, workspaceId: string, entity: string, recordId: string, lock = false) => {
    const query = executor
      .selectFrom('custom_value_sets')
      .select('version')
      .where('workspace_id', '=', workspaceId)
      .where('entity', '=', entity)
      .where('record_id', '=', recordId);
    const row = await (lock ? forUpdate(query, db.dialect) : query).executeTakeFirst();
    return row?.version ?? 0;
  };

  const bumpVersion = async (trx: Kysely<Database>, workspaceId: string, entity: string, recordId: string, current: number): Promise<number> => {
    const now = clock.now().toISOString();
    if (current === 0) {
      // Two first writes at once: the second finds the row taken, as a stale If-Match would.
      await trx
        .insertInto('custom_value_sets')
        .values({ workspace_id: workspaceId, entity, record_id: recordId, version: 1, updated_at: now })
        .execute()
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) throw new AppError('PRECONDITION_FAILED', { currentVersion: 1 });
          throw error;
        });
      return 1;
    }
    await trx
      .updateTable('custom_value_sets')
      .set({ version: current + 1, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('entity', '=', entity)
      .where('record_id', '=', recordId)
      .execute();
    return current + 1;
  };

  /** Validates a patch against the fields; returns the changes by field (null = remove). */
  const checkPatch = (fields: readonly CustomFieldView[], patch: CustomValuePatch) => {
    const byKey = new Map(fields.map((f) => [f.key, f]));
    const errors: { path: string; message: string }[] = [];
    const changes = new Map<CustomFieldView, CustomValue | null>();
    for (const [key, raw] of Object.entries(patch)) {
      const field = byKey.get(key);
      const path = `/values/${key}`;
      if (!field) {
        errors.push({ path, message: 'no such custom field' });
        continue;
      }
      if (raw === null) {
        changes.set(field, null);
        continue;
      }
      if (field.archived) {
        errors.push({ path, message: 'the field is archived: its values can be removed, not set' });
        continue;
      }
      const checked = checkCustomValue(field, raw);
      if (checked.ok) changes.set(field, checked.value);
      else errors.push({ path, message: checked.message });
    }
    if (errors.length > 0) throw invalid(errors);
    return changes;
  };

  /** Required fields (of `fields`) left without a value once `changes` apply. */
  const checkRequired = async (trx: Kysely<Database>, workspaceId: string, entity: string, recordId: string, fields: readonly CustomFieldView[], changes: Map<CustomFieldView, CustomValue | null>) => {
    const present = new Set(
      (await trx.selectFrom('custom_field_values').select('field_id').where('workspace_id', '=', workspaceId).where('entity', '=', entity).where('record_id', '=', recordId).execute()).map((r) => r.field_id),
    );
    for (const [field, value] of changes) {
      if (value === null) present.delete(field.id);
      else present.add(field.id);
    }
    const missing = fields.filter((f) => f.required && !f.archived && !present.has(f.id));
    if (missing.length > 0) throw invalid(missing.map((f) => ({ path: `/values/${f.key}`, message: 'required' })));
  };

  const writeRows = async (trx: Kysely<Database>, workspaceId: string, entity: string, recordId: string, changes: Map<CustomFieldView, CustomValue | null>, encode: (field: CustomFieldView, value: CustomValue) => Pick<Database['custom_field_values'], 'value_plain' | 'value_cipher'>) => {
    const ids = [...changes.keys()].map((f) => f.id);
    if (ids.length === 0) return;
    await trx
      .deleteFrom('custom_field_values')
      .where('workspace_id', '=', workspaceId)
      .where('entity', '=', entity)
      .where('record_id', '=', recordId)
      .where('field_id', 'in', ids)
      .execute();
    const now = clock.now().toISOString();
    const rows = [...changes]
      .filter((c): c is [CustomFieldView, CustomValue] => c[1] !== null)
      .map(([field, value]) => ({ workspace_id: workspaceId, entity, record_id: recordId, field_id: field.id, updated_at: now, ...encode(field, value) }));
    if (rows.length > 0) await trx.insertInto('custom_field_values').values(rows).execute();
  };

  const livePerson = async (workspaceId: string, personId: string) => {
    const row = await kysely
      .selectFrom('persons')
      .select(['id', 'pseudonym', 'erased_at', 'erasing_run_id'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', personId)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'person' });
    if (row.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
    if (row.erasing_run_id !== null) throw new AppError('CONFLICT', { detail: 'An erasure of this person is in progress' });
    return row;
  };

  const assertRecord = async (workspaceId: string, entity: 'organization' | 'deal', recordId: string) => {
    const found = await sql<{ id: string }>`select id from ${sql.table(recordTables[entity])} where workspace_id = ${workspaceId} and id = ${recordId}`.execute(kysely);
    if (found.rows.length === 0) throw new AppError('NOT_FOUND', { resource: entity });
  };

  const readMany: CustomFieldValues['readMany'] = async (executor, workspaceId, entity, recordIds, fields, recordKeys) => {
    const out = new Map<string, Record<string, CustomValue>>();
    if (recordIds.length === 0 || fields.length === 0) return out;
    const byId = new Map(fields.map((f) => [f.id, f]));
    for (let i = 0; i < recordIds.length; i += 500) {
      const rows = await executor
        .selectFrom('custom_field_values')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('entity', '=', entity)
        .where('record_id', 'in', recordIds.slice(i, i + 500))
        .where('field_id', 'in', [...byId.keys()])
        .execute();
      for (const row of rows) {
        const field = byId.get(row.field_id);
        if (!field) continue;
        let value: CustomValue | undefined;
        if (row.value_cipher) {
          const key = recordKeys?.get(row.record_id);
          if (key) value = fieldCipher.decryptJson<CustomValue>(key, row.value_cipher, customValueBinding(workspaceId, row.field_id, row.record_id));
        } else if (row.value_plain !== null) {
          value = JSON.parse(row.value_plain) as CustomValue;
        }
        if (value === undefined) continue;
        const values = out.get(row.record_id) ?? {};
        values[field.key] = value;
        out.set(row.record_id, values);
      }
    }
    return out;
  };

  const servingPurpose = (fields: readonly CustomFieldView[], purpose: string) => fields.filter((f) => f.classification?.purposes.includes(purpose));

  const confirmPersonFilters: CustomFilterConfirmer = async (executor, workspaceId, personIds, filters) => {
    const fields = await fieldsOf(executor, workspaceId, 'person');
    const wanted = filters.map((f) => ({ field: fields.find((x) => x.key === f.key), term: normaliseText(f.value) }));
    const known = wanted.filter((w): w is { field: CustomFieldView; term: string } => w.field !== undefined);
    if (known.length < wanted.length || personIds.length === 0) return new Set();
    // Candidates without a data key (being erased) hold nothing to confirm and are left out.
    const keys = await deps.keys.getDataKeys(executor, workspaceId, personIds).catch(() => new Map<string, DataKey>());
    const values = await readMany(executor, workspaceId, 'person', personIds, known.map((w) => w.field), keys);
    return new Set(
      personIds.filter((id) => {
        const held = values.get(id);
        return held !== undefined && known.every((w) => held[w.field.key] !== undefined && indexTermsOf(held[w.field.key]!).some((t) => normaliseText(t) === w.term));
      }),
    );
  };

  return {
    confirmPersonFilters,
    async getForPerson(ctx, personId) {
      const person = await livePerson(ctx.workspaceId, personId);
      const fields = servingPurpose(await fieldsOf(kysely, ctx.workspaceId, 'person'), ctx.purpose);
      await gate.check(kysely, ctx, {
        personIds: [person.id],
        operation: 'read',
        attributes: { entity: 'person', names: fields.map((f) => personFieldAttribute(f.key)) },
        pseudonyms: new Map([[person.id, person.pseudonym]]),
      });
      const version = await versionOf(kysely, ctx.workspaceId, 'person', personId);
      const key = await keys.findDataKey(kysely, ctx.workspaceId, personId);
      const values = key ? await readMany(kysely, ctx.workspaceId, 'person', [personId], fields, new Map([[personId, key]])) : new Map();
      return { entity: 'person', recordId: personId, version, values: values.get(personId) ?? {} };
    },

    async putForPerson(ctx, personId, expectedVersion, patch) {
      const person = await livePerson(ctx.workspaceId, personId);
      const all = await fieldsOf(kysely, ctx.workspaceId, 'person');
      const changes = checkPatch(all, patch);
      const outside = [...changes.keys()].filter((f) => !f.classification?.purposes.includes(ctx.purpose)).map((f) => f.key);
      if (outside.length > 0) {
        throw new AppError('FIELD_NOT_IN_PURPOSE', { detail: `These fields do not serve purpose ${ctx.purpose}`, purpose: ctx.purpose, fields: outside });
      }
      const names = [...changes.keys()].map((f) => personFieldAttribute(f.key));
      if (names.length === 0) throw invalid([{ path: '/values', message: 'give at least one value' }]);
      const serving = servingPurpose(all, ctx.purpose);
      return gate.run(
        kysely,
        ctx,
        {
          personIds: [person.id],
          operation: 'write',
          attributes: { entity: 'person', names },
          pseudonyms: new Map([[person.id, person.pseudonym]]),
          allowedEntry: { action: 'person.custom_fields.update', resourceId: person.id, subjectPseudonym: person.pseudonym },
        },
        async (trx) => {
          const current = await versionOf(trx, ctx.workspaceId, 'person', personId, true);
          if (current !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { currentVersion: current });
          await checkRequired(trx, ctx.workspaceId, 'person', personId, serving, changes);
          const key = await keys.getOrCreateDataKey(trx, ctx.workspaceId, personId);
          await writeRows(trx, ctx.workspaceId, 'person', personId, changes, (field, value) => ({
            value_plain: null,
            value_cipher: fieldCipher.encryptJson(key, value, customValueBinding(ctx.workspaceId, field.id, personId)),
          }));
          const indexed = [...changes].filter(([f]) => f.filterable);
          if (indexed.length > 0) {
            await trx
              .deleteFrom('person_blind_indexes')
              .where('workspace_id', '=', ctx.workspaceId)
              .where('person_id', '=', personId)
              .where('field', 'in', indexed.map(([f]) => personFieldAttribute(f.key)))
              .execute();
            const rows = new Map<string, Database['person_blind_indexes']>();
            for (const [field, value] of indexed) {
              if (value === null) continue;
              const attribute = personFieldAttribute(field.key);
              for (const term of indexTermsOf(value)) {
                const hash = blindIndex.compute(ctx.workspaceId, attribute, term, 'text');
                rows.set(`${attribute}\u0000${hash.toString('hex')}`, { workspace_id: ctx.workspaceId, field: attribute, hash, person_id: personId });
              }
            }
            if (rows.size > 0) await trx.insertInto('person_blind_indexes').values([...rows.values()]).execute();
          }
          const version = await bumpVersion(trx, ctx.workspaceId, 'person', personId, current);
          const values = await readMany(trx, ctx.workspaceId, 'person', [personId], serving, new Map([[personId, key]]));
          return { entity: 'person' as const, recordId: personId, version, values: values.get(personId) ?? {} };
        },
      );
    },

    async getForRecord(ctx, entity, recordId) {
      await assertRecord(ctx.workspaceId, entity, recordId);
      const fields = await fieldsOf(kysely, ctx.workspaceId, entity);
      const version = await versionOf(kysely, ctx.workspaceId, entity, recordId);
      const values = await readMany(kysely, ctx.workspaceId, entity, [recordId], fields);
      return { entity, recordId, version, values: values.get(recordId) ?? {} };
    },

    async putForRecord(ctx, entity, recordId, expectedVersion, patch) {
      await assertRecord(ctx.workspaceId, entity, recordId);
      const fields = await fieldsOf(kysely, ctx.workspaceId, entity);
      const changes = checkPatch(fields, patch);
      if (changes.size === 0) throw invalid([{ path: '/values', message: 'give at least one value' }]);
      return kysely.transaction().execute(async (trx) => {
        const current = await versionOf(trx, ctx.workspaceId, entity, recordId, true);
        if (current !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { currentVersion: current });
        await checkRequired(trx, ctx.workspaceId, entity, recordId, fields, changes);
        await writeRows(trx, ctx.workspaceId, entity, recordId, changes, (_field, value) => ({ value_plain: JSON.stringify(value), value_cipher: null }));
        const version = await bumpVersion(trx, ctx.workspaceId, entity, recordId, current);
        const values = await readMany(trx, ctx.workspaceId, entity, [recordId], fields);
        return { entity, recordId, version, values: values.get(recordId) ?? {} };
      });
    },

    readMany,
  };
}
