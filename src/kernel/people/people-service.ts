import { randomUUID } from 'node:crypto';
import type { CompiledQuery, Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import { param, queryTemplate } from '../../db/query-template.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, isAppError } from '../../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DeclaredAttribute } from '../catalogue/catalogue-types.ts';
import type { Clock } from '../clock.ts';
import { normalisers, type BlindIndex } from '../crypto/blind-index.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { DataKey, KeyService } from '../crypto/key-service.ts';
import type { ErasureCertificate, ErasureTrigger } from '../erasure/erasure-certificate.ts';
import type { ErasurePipeline } from '../erasure/erasure-pipeline.ts';
import type { SuppressionList } from '../erasure/suppression-list.ts';
import type { Catalogue } from '../catalogue/create-catalogue.ts';
import type { Gate } from '../gate/create-gate.ts';
import { decideProcessing } from '../gate/decide-processing.ts';
import type { PurposeRegister } from '../purposes/purpose-register.ts';
import { purposeNeedsConsent } from '../purposes/purpose-types.ts';
import { loadStandings } from '../standing/load-standings.ts';
import type { ProcessingContext } from '../gate/processing-context.ts';
import {
  personAttributes,
  personBinding,
  personColumns,
  personNormalisers,
  type PersonAttribute,
  type PersonValues,
  type PersonView,
} from './person-fields.ts';
import { isPersonId } from './person-lookups.ts';
import { newPseudonym } from './pseudonym.ts';

/** Why a privacy officer re-creates a suppressed person (recorded in the audit entry). */
export const suppressionOverrideReasons = ['new_consent', 'mistaken_suppression', 'legal_obligation'] as const;
export type SuppressionOverrideReason = (typeof suppressionOverrideReasons)[number];

export interface PeopleDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly blindIndex: BlindIndex;
  readonly gate: Gate;
  /** For lists: finding which persons of a page the gate refuses. */
  readonly purposes: Pick<PurposeRegister, 'getOrThrow'>;
  readonly catalogue: Pick<Catalogue, 'assertDeclared' | 'categoryFacts'>;
  readonly suppression: SuppressionList;
  readonly erasure: ErasurePipeline;
}

export interface WriteOptions {
  /** Given only when the caller may override the suppression list (a privacy officer). */
  readonly suppressionOverride?: SuppressionOverrideReason | undefined;
}

export interface PeoplePage {
  readonly items: PersonView[];
  readonly nextCursor: string | null;
}

/** The people use-cases. Each runs the processing gate with the context's purpose before touching a value. */
export interface PeopleService {
  create(ctx: ProcessingContext, values: PersonValues, options?: WriteOptions): Promise<PersonView>;
  /** `NOT_FOUND` (unknown or another workspace's), `GONE` (erased), `CONFLICT` (being erased). */
  get(ctx: ProcessingContext, personId: string): Promise<PersonView>;
  /** Changes the given values (null removes one); `PRECONDITION_FAILED` when `expectedVersion` is stale. */
  update(ctx: ProcessingContext, personId: string, expectedVersion: number, patch: PersonValues, options?: WriteOptions): Promise<PersonView>;
  list(ctx: ProcessingContext, page: { limit: number; cursor?: string | undefined }): Promise<PeoplePage>;
  /** Exact lookup through the blind index; candidates are decrypted and compared, false positives dropped. */
  lookup(ctx: ProcessingContext, by: { field: 'email' | 'phone'; value: string }): Promise<PersonView[]>;
  /** Runs the erasure pipeline. */
  erase(ctx: ProcessingContext, personId: string, trigger?: ErasureTrigger): Promise<ErasureCertificate>;
}

type PersonRow = Database['persons'];

const personRowColumns = [
  'id', 'workspace_id', 'pseudonym', 'first_name', 'last_name', 'email', 'phone', 'created_at', 'updated_at', 'erased_at',
  'erasing_run_id', 'version',
] as const satisfies readonly (keyof PersonRow)[];
/** The create path's insert, compiled once per dialect. */
const insertPerson = queryTemplate((db) =>
  (db as Kysely<Database>).insertInto('persons').values(Object.fromEntries(personRowColumns.map((c) => [c, param(c)])) as never),
);

function present(values: PersonValues): PersonAttribute[] {
  return personAttributes.filter((a) => values[a] !== undefined);
}

/** Refusals about some of the persons, not about the purpose, the role or the categories. */
const personLevelRefusals: ReadonlySet<string> = new Set(['OBJECTED', 'RESTRICTED', 'CONSENT_MISSING']);

/** A person whose key was shredded (a restore brought the row back before its cleanup) is skipped, not an error. */
function skipShredded(error: unknown): undefined {
  if (isAppError(error) && error.code === 'KEY_DESTROYED') return undefined;
  throw error;
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid', errors: [{ path: '/cursor', message: 'invalid cursor' }] });
}

/**
 * @example
 * const people = createPeopleService({ db, clock, keys, fieldCipher, blindIndex, gate, suppression, erasure });
 * const ada = await people.create(ctx, { firstName: 'Ada', email: 'ada@example.com' });
 * await people.get(ctx, ada.id);
 */
export function createPeopleService(deps: PeopleDeps): PeopleService {
  const { db, clock, keys, fieldCipher, blindIndex, gate, suppression } = deps;
  const kysely = db.kysely;
  const auditDeps = { dialect: db.dialect, clock };

  // Hot path: the point select is compiled once; each call swaps the parameters.
  const selectTemplate = kysely.selectFrom('persons').selectAll().where('workspace_id', '=', '?').where('id', '=', '?').compile();
  const findRow = async (executor: Kysely<Database>, workspaceId: string, personId: string): Promise<PersonRow | undefined> => {
    if (!isPersonId(personId)) return undefined;
    const query = { ...selectTemplate, parameters: [workspaceId, personId] } as CompiledQuery<PersonRow>;
    return (await executor.executeQuery(query)).rows[0];
  };
  const getLiveRowOrThrow = async (executor: Kysely<Database>, workspaceId: string, personId: string): Promise<PersonRow> => {
    const row = await findRow(executor, workspaceId, personId);
    if (!row) throw new AppError('NOT_FOUND', { resource: 'person' });
    if (row.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
    if (row.erasing_run_id !== null) throw new AppError('CONFLICT', { detail: 'An erasure of this person is in progress' });
    return row;
  };

  const decryptRow = (key: DataKey, row: PersonRow): PersonView => {
    const value = (a: PersonAttribute): string | null => {
      const envelope = row[personColumns[a]];
      return envelope ? fieldCipher.decrypt(key, envelope, personBinding(row.workspace_id, row.id, a)) : null;
    };
    return {
      id: row.id,
      pseudonym: row.pseudonym,
      firstName: value('firstName'),
      lastName: value('lastName'),
      email: value('email'),
      phone: value('phone'),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      version: row.version,
    };
  };

  const viewOf = async (executor: Kysely<Database>, row: PersonRow): Promise<PersonView> =>
    decryptRow(await keys.getDataKey(executor, row.workspace_id, row.id), row);

  /** Refuses suppressed identifiers unless overridden; audits the refusal (committed) or the override (returned). */
  const checkSuppression = async (ctx: ProcessingContext, action: string, values: PersonValues, options: WriteOptions) => {
    const hits = await suppression.matches(kysely, ctx.workspaceId, { email: values.email, phone: values.phone });
    if (hits.length === 0) return undefined;
    if (options.suppressionOverride) return { suppressionOverride: options.suppressionOverride, suppressed: hits };
    await kysely.transaction().execute((trx) =>
      appendAudit(trx, auditDeps, {
        workspaceId: ctx.workspaceId,
        actor: ctx.actor,
        action,
        outcome: 'denied',
        resourceType: 'person',
        purpose: ctx.purpose,
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
        details: { code: 'SUPPRESSED', suppressed: hits },
      }),
    );
    throw new AppError('SUPPRESSED', { detail: 'This person was erased or objected; a privacy officer may override', suppressed: hits });
  };

  /** Encrypts `values` into column updates and rewrites the blind indexes of the searchable ones. */
  const writeValues = async (
    trx: Kysely<Database>,
    key: DataKey,
    workspaceId: string,
    personId: string,
    values: PersonValues,
    declared: readonly DeclaredAttribute[],
    isNew: boolean,
  ): Promise<Partial<Record<(typeof personColumns)[PersonAttribute], Buffer | null>>> => {
    const columns: Partial<Record<(typeof personColumns)[PersonAttribute], Buffer | null>> = {};
    const searchable = new Set(declared.filter((d) => d.searchable).map((d) => d.attribute));
    const indexRows: Database['person_blind_indexes'][] = [];
    const reindexed: string[] = [];
    for (const a of present(values)) {
      const value = values[a];
      columns[personColumns[a]] = typeof value === 'string' ? fieldCipher.encrypt(key, value, personBinding(workspaceId, personId, a)) : null;
      if (!searchable.has(a)) continue;
      reindexed.push(a);
      if (typeof value === 'string' && normalisers[personNormalisers[a]](value) !== '') {
        indexRows.push({ workspace_id: workspaceId, field: a, hash: blindIndex.compute(workspaceId, a, value, personNormalisers[a]), person_id: personId });
      }
    }
    if (reindexed.length > 0 && !isNew) {
      await trx
        .deleteFrom('person_blind_indexes')
        .where('person_id', '=', personId)
        .where('workspace_id', '=', workspaceId)
        .where('field', 'in', reindexed)
        .execute();
    }
    if (indexRows.length > 0) await trx.insertInto('person_blind_indexes').values(indexRows).execute();
    return columns;
  };

  /**
   * Runs the gate for a page of people. When some of them refuse the purpose (objection, restriction, missing
   * consent), the others are still shown: the refused ones are found with the gate's own pure decision over their
   * standing, and the gate is run again for the rest (both attempts are audited).
   */
  const readableOf = async (ctx: ProcessingContext, rows: readonly PersonRow[]): Promise<Set<string>> => {
    const request = (subset: readonly PersonRow[]) => ({
      personIds: subset.map((r) => r.id),
      operation: 'read' as const,
      attributes: { entity: 'person', names: personAttributes },
      pseudonyms: new Map(subset.map((r) => [r.id, r.pseudonym])),
    });
    try {
      await gate.check(kysely, ctx, request(rows));
      return new Set(rows.map((r) => r.id));
    } catch (error) {
      if (!isAppError(error) || !personLevelRefusals.has(error.code) || rows.length < 2) throw error;
    }
    const purpose = await deps.purposes.getOrThrow(kysely, ctx.workspaceId, ctx.purpose);
    const declared = await deps.catalogue.assertDeclared(kysely, ctx.workspaceId, 'person', personAttributes);
    const categories = await deps.catalogue.categoryFacts(kysely, ctx.workspaceId, declared.map((d) => d.category));
    const withConsent = purposeNeedsConsent(purpose, categories.some((c) => c.special));
    const standings = await loadStandings(kysely, ctx.workspaceId, rows.map((r) => r.id), purpose.key, { withConsent });
    const ok = new Set(
      standings
        .filter((st) => decideProcessing({ purpose, role: ctx.role, categories, standings: [st], operation: 'read' }).allowed)
        .map((st) => st.personId),
    );
    const rest = rows.filter((r) => ok.has(r.id));
    if (rest.length > 0) await gate.check(kysely, ctx, request(rest));
    return ok;
  };

  const service: PeopleService = {
    async create(ctx, values, options = {}) {
      const fields = present(values).filter((a) => values[a] !== null);
      if (fields.length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'Give at least one value', errors: [{ path: '', message: 'no value' }] });
      const override = await checkSuppression(ctx, 'person.create', values, options);
      const id = randomUUID();
      const pseudonym = newPseudonym();
      const now = clock.now().toISOString();
      // One audit entry: the gate's allowed entry is the create's (action, pseudonym, purpose, fields, override).
      const request = {
        personIds: [],
        operation: 'write' as const,
        attributes: { entity: 'person', names: fields },
        allowedEntry: { action: 'person.create', resourceId: id, subjectPseudonym: pseudonym, details: { fields, ...(override ?? {}) } },
      };
      return gate.run(kysely, ctx, request, async (trx, allowance) => {
        const key = await keys.getOrCreateDataKey(trx, ctx.workspaceId, id);
        const columns = await writeValues(trx, key, ctx.workspaceId, id, values, allowance.attributes, true);
        const row: PersonRow = {
          id,
          workspace_id: ctx.workspaceId,
          pseudonym,
          first_name: null,
          last_name: null,
          email: null,
          phone: null,
          ...columns,
          created_at: now,
          updated_at: now,
          erased_at: null,
          erasing_run_id: null,
          version: 1,
        };
        await trx.executeQuery(insertPerson(trx, row as unknown as Record<string, unknown>));
        return decryptRow(key, row);
      });
    },

    async get(ctx, personId) {
      const row = await getLiveRowOrThrow(kysely, ctx.workspaceId, personId);
      await gate.check(kysely, ctx, {
        personIds: [row.id],
        operation: 'read',
        attributes: { entity: 'person', names: personAttributes },
        pseudonyms: new Map([[row.id, row.pseudonym]]),
      });
      return viewOf(kysely, row);
    },

    async update(ctx, personId, expectedVersion, patch, options = {}) {
      const fields = present(patch);
      if (fields.length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'Give at least one value', errors: [{ path: '', message: 'no value' }] });
      const before = await getLiveRowOrThrow(kysely, ctx.workspaceId, personId);
      const override = await checkSuppression(ctx, 'person.update', patch, options);
      const request = {
        personIds: [before.id],
        operation: 'write' as const,
        attributes: { entity: 'person', names: fields },
        pseudonyms: new Map([[before.id, before.pseudonym]]),
      };
      return gate.run(kysely, ctx, request, async (trx, allowance) => {
        const row = await forUpdate(
          trx.selectFrom('persons').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', personId),
          db.dialect,
        ).executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', { resource: 'person' });
        if (row.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
        if (row.erasing_run_id !== null) throw new AppError('CONFLICT', { detail: 'An erasure of this person is in progress' });
        if (row.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { currentVersion: row.version });
        const key = await keys.getOrCreateDataKey(trx, ctx.workspaceId, personId);
        const columns = await writeValues(trx, key, ctx.workspaceId, personId, patch, allowance.attributes, false);
        const updated: PersonRow = { ...row, ...columns, updated_at: clock.now().toISOString(), version: row.version + 1 };
        await trx
          .updateTable('persons')
          .set({ ...columns, updated_at: updated.updated_at, version: updated.version })
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', '=', personId)
          .where('version', '=', expectedVersion)
          .execute();
        if (override) {
          await appendAudit(trx, auditDeps, {
            workspaceId: ctx.workspaceId,
            actor: ctx.actor,
            action: 'person.update',
            outcome: 'allowed',
            resourceType: 'person',
            resourceId: personId,
            subjectPseudonym: row.pseudonym,
            purpose: ctx.purpose,
            requestId: ctx.requestId ?? null,
            ip: ctx.ip ?? null,
            details: { fields, ...override },
          });
        }
        return decryptRow(key, updated);
      });
    },

    async list(ctx, page) {
      let query = kysely
        .selectFrom('persons')
        .selectAll()
        .where('workspace_id', '=', ctx.workspaceId)
        .where('erased_at', 'is', null)
        .where('erasing_run_id', 'is', null);
      if (page.cursor) {
        const [at, id] = decodeCursor(page.cursor);
        query = query.where((eb) => eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', id)])]));
      }
      const rows = await query.orderBy('created_at').orderBy('id').limit(page.limit + 1).execute();
      const pageRows = rows.slice(0, page.limit);
      const allowed = await readableOf(ctx, pageRows);
      const items: PersonView[] = [];
      for (const row of pageRows.filter((r) => allowed.has(r.id))) {
        const view = await viewOf(kysely, row).catch(skipShredded);
        if (view) items.push(view);
      }
      const last = pageRows[pageRows.length - 1];
      return { items, nextCursor: rows.length > page.limit && last ? encodeCursor(last.created_at, last.id) : null };
    },

    async lookup(ctx, by) {
      const kind = personNormalisers[by.field];
      const wanted = normalisers[kind](by.value);
      const hash = blindIndex.compute(ctx.workspaceId, by.field, by.value, kind);
      const candidates = await kysely
        .selectFrom('person_blind_indexes as b')
        .innerJoin('persons as p', 'p.id', 'b.person_id')
        .selectAll('p')
        .where('b.workspace_id', '=', ctx.workspaceId)
        .where('b.field', '=', by.field)
        .where('b.hash', '=', hash)
        .where('p.workspace_id', '=', ctx.workspaceId)
        .where('p.erased_at', 'is', null)
        .where('p.erasing_run_id', 'is', null)
        .execute();
      // The index is truncated: decrypt each candidate's value and keep the true matches only.
      const matches: { row: PersonRow; key: DataKey }[] = [];
      const withValue = candidates.filter((row) => row[personColumns[by.field]]);
      // One select for every candidate's key (shredded ones are left out, as skipped).
      const candidateKeys = await keys.getDataKeys(kysely, ctx.workspaceId, withValue.map((row) => row.id));
      for (const row of withValue) {
        const envelope = row[personColumns[by.field]];
        const key = candidateKeys.get(row.id);
        if (!envelope || !key) continue;
        const value = fieldCipher.decrypt(key, envelope, personBinding(ctx.workspaceId, row.id, by.field));
        if (normalisers[kind](value) === wanted) matches.push({ row, key });
      }
      await gate.check(kysely, ctx, {
        personIds: matches.map((m) => m.row.id),
        operation: 'search',
        attributes: { entity: 'person', names: personAttributes },
        pseudonyms: new Map(matches.map((m) => [m.row.id, m.row.pseudonym])),
      });
      return matches.map((m) => decryptRow(m.key, m.row));
    },

    async erase(ctx, personId, trigger = 'admin_delete') {
      const row = await findRow(kysely, ctx.workspaceId, personId);
      if (!row) throw new AppError('NOT_FOUND', { resource: 'person' });
      if (row.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
      // Role, purpose and categories are checked; the person's standing is not: an objection, a withdrawn consent or
      // a restriction never stands in the way of forgetting (Art. 17(1)(b)-(c)).
      await gate.check(kysely, ctx, { personIds: [], operation: 'write', attributes: { entity: 'person', names: personAttributes } });
      return deps.erasure.erasePerson({
        workspaceId: ctx.workspaceId,
        personId,
        trigger,
        actor: ctx.actor,
        purpose: ctx.purpose,
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
      });
    },
  };
  return service;
}
