import { randomUUID } from 'node:crypto';
import type { CompiledQuery, Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import { param, queryTemplate } from '../../db/query-template.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, isAppError } from '../../errors.ts';
import { appendAudit, type Actor, type ActorType } from '../audit/audit-log.ts';
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
import { subjectDigest } from '../gate/subject-digest.ts';
import type { PurposeRegister } from '../purposes/purpose-register.ts';
import { purposeNeedsConsent } from '../purposes/purpose-types.ts';
import { loadStandings } from '../standing/load-standings.ts';
import type { ProcessingContext } from '../gate/processing-context.ts';
import { selectPeoplePage, encodePeopleCursor, type CustomFilterConfirmer, type PeopleListQuery } from './people-list-query.ts';
import { personAttributes, personBinding, personColumns, type PersonAttribute, type PersonView, type ProvenanceField, type ProvenanceSource } from './person-fields.ts';
import { cleanPhone, validatePersonInput, type CleanContactPoint, type CleanPersonInput, type CleanProvenance, type PersonInput } from './person-input.ts';
import { isPersonId } from './person-lookups.ts';
import { nameIndexField, nameQueryTerm, namesMatch, nameTokens } from './person-name-terms.ts';
import { contactPointBinding, createPersonRowBuilder, rectificationBinding, type PersonDetailRows } from './person-rows.ts';
import { createPersonViews } from './person-views.ts';
import { insertPeopleRows } from './insert-people-rows.ts';
import { isValidatedForCreate } from './validated-person-input.ts';
import { timeOrderedUuid } from '../../db/time-ordered-uuid.ts';
import { newPseudonym } from './pseudonym.ts';
import { readableAttributes } from './readable-attributes.ts';

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
  /** For lists: finding which persons of a page the gate refuses; for reads: which attributes the purpose covers. */
  readonly purposes: Pick<PurposeRegister, 'getOrThrow' | 'find'>;
  readonly catalogue: Pick<Catalogue, 'assertDeclared' | 'categoryFacts'>;
  readonly suppression: SuppressionList;
  readonly erasure: ErasurePipeline;
  /** Set by the custom-field area once it exists: confirms custom-field filter matches on decrypted values. */
  readonly customFilterConfirmer?: { current?: CustomFilterConfirmer };
}

export interface WriteOptions {
  /** Given only when the caller may override the suppression list (a privacy officer). */
  readonly suppressionOverride?: SuppressionOverrideReason | undefined;
  /** Why the values are rectified (kept encrypted in the person's history). */
  readonly reason?: string | undefined;
}

/** Provenance stamped on every person of a bulk create (an import). */
export interface BulkCreateStamp {
  readonly source: ProvenanceSource;
  readonly importId?: string | null | undefined;
  readonly sourceDetail?: string | null | undefined;
  readonly obtainedAt?: string | undefined;
  /** Country assumed for national phone numbers. */
  readonly defaultCountry?: string | undefined;
}

export interface CreatedPerson {
  readonly id: string;
  readonly pseudonym: string;
}

export interface PeoplePage {
  readonly items: PersonView[];
  readonly nextCursor: string | null;
}

/** One rectification of a person, decrypted for a reader the gate allowed. */
export interface Rectification {
  readonly id: string;
  readonly at: string;
  readonly version: number;
  readonly fields: string[];
  /** Old values of the fields the reader may see. */
  readonly oldValues: Record<string, unknown>;
  readonly reason: string | null;
  readonly actor: Actor;
}

/** What a merge of two people needs from the people area (a structural `PersonReassigner`). */
export interface MergeDetailsTarget {
  readonly workspaceId: string;
  readonly fromPersonId: string;
  readonly toPersonId: string;
  readonly fromKey: DataKey;
  readonly toKey: DataKey;
}

/** The people use-cases. Each runs the processing gate with the context's purpose before touching a value. */
export interface PeopleService {
  create(ctx: ProcessingContext, input: PersonInput, options?: WriteOptions): Promise<PersonView>;
  /**
   * Bulk create (the importer's): validated with the API's rules, one transaction, one gate check and one audit entry
   * (count and digest), multi-row inserts. `within` runs in the same transaction (e.g. the import's progress).
   * Refuses the whole batch on any invalid or suppressed item. Returns ids and pseudonyms in the order given. Items
   * that `validateForCreate` returned are taken as they are (already validated); ids are time-ordered (ADR 0032).
   */
  createMany(
    ctx: ProcessingContext,
    items: readonly PersonInput[],
    stamp: BulkCreateStamp,
    within?: (trx: Kysely<Database>, created: readonly CreatedPerson[]) => Promise<void>,
  ): Promise<CreatedPerson[]>;
  /** Indexes of the items whose email or phone (any of them) is on the suppression list. */
  findSuppressed(workspaceId: string, items: readonly Pick<PersonInput, 'email' | 'phone' | 'emails' | 'phones'>[]): Promise<number[]>;
  /** `NOT_FOUND` (unknown or another workspace's), `GONE` (erased), `CONFLICT` (being erased). */
  get(ctx: ProcessingContext, personId: string): Promise<PersonView>;
  /** Changes the given values (null removes one), keeping the old ones in the history; `PRECONDITION_FAILED` when stale. */
  update(ctx: ProcessingContext, personId: string, expectedVersion: number, patch: PersonInput, options?: WriteOptions): Promise<PersonView>;
  list(ctx: ProcessingContext, query: PeopleListQuery): Promise<PeoplePage>;
  /** Name search over the blind-indexed name prefixes; candidates decrypted and confirmed. */
  search(ctx: ProcessingContext, query: { readonly text: string; readonly limit: number }): Promise<PersonView[]>;
  /** Exact lookup through the blind index (every email or phone, not only the primary); false positives dropped. */
  lookup(ctx: ProcessingContext, by: { field: 'email' | 'phone'; value: string }): Promise<PersonView[]>;
  /** The person's rectification history, newest first, older than `before` when given. */
  rectifications(ctx: ProcessingContext, personId: string, page: { readonly before?: string | undefined; readonly limit: number }): Promise<Rectification[]>;
  /** Moves the merged-away person's emails, phones, tags and history to the kept person, re-encrypted (in the merge's transaction). */
  reassignDetails(trx: Kysely<Database>, target: MergeDetailsTarget): Promise<number>;
  /** Runs the erasure pipeline. */
  erase(ctx: ProcessingContext, personId: string, trigger?: ErasureTrigger): Promise<ErasureCertificate>;
}

type PersonRow = Database['persons'];

const personRowColumns = [
  'id', 'workspace_id', 'pseudonym', 'first_name', 'last_name', 'email', 'phone', 'job_title', 'address', 'notes', 'source_detail',
  'organization_id', 'owner_user_id', 'lifecycle_stage', 'source', 'obtained_at', 'import_id', 'created_at', 'updated_at', 'erased_at',
  'erasing_run_id', 'version',
] as const satisfies readonly (keyof PersonRow)[];
/** The create path's insert, compiled once per dialect. */
const insertPerson = queryTemplate((db) =>
  (db as Kysely<Database>).insertInto('persons').values(Object.fromEntries(personRowColumns.map((c) => [c, param(c)])) as never),
);

/** Most bound parameters in one statement (SQLite allows 32,766, PostgreSQL 65,535). */
const maxParameters = 30_000;

/** Inserts rows in multi-row statements under the parameter limit. */
async function insertAll<T extends keyof Database>(trx: Kysely<Database>, table: T, rows: readonly Database[T][]): Promise<void> {
  if (rows.length === 0) return;
  const perRow = Object.keys(rows[0] as object).length;
  const size = Math.max(1, Math.floor(maxParameters / perRow));
  for (let i = 0; i < rows.length; i += size) {
    await trx.insertInto(table).values(rows.slice(i, i + size) as never).execute();
  }
}

/** Refusals about some of the persons, not about the purpose, the role or the categories. */
const personLevelRefusals: ReadonlySet<string> = new Set(['OBJECTED', 'RESTRICTED', 'CONSENT_MISSING']);

function invalid(errors: readonly { path: string; message: string }[]): AppError {
  return new AppError('VALIDATION_FAILED', { detail: 'Some values are not valid', errors: errors.map((e) => ({ path: e.path, message: e.message })) });
}

/** The attributes a clean input touches (the gate checks their categories). */
function attributesOf(input: CleanPersonInput): PersonAttribute[] {
  const touched = new Set<PersonAttribute>();
  for (const a of ['firstName', 'lastName', 'jobTitle', 'address', 'notes'] as const) if (input[a] !== undefined) touched.add(a);
  if (input.email !== undefined || input.emails !== undefined) touched.add('email');
  if (input.phone !== undefined || input.phones !== undefined) touched.add('phone');
  const details = [input.provenance, ...Object.values(input.fieldProvenance ?? {})];
  if (details.some((p) => p?.sourceDetail)) touched.add('sourceDetail');
  return personAttributes.filter((a) => touched.has(a));
}

/** The provenance fields a clean input changes. */
function provenanceFieldsOf(input: CleanPersonInput): ProvenanceField[] {
  const out: ProvenanceField[] = [];
  for (const a of ['firstName', 'lastName', 'jobTitle', 'address', 'notes'] as const) if (input[a] !== undefined) out.push(a);
  if (input.email !== undefined || input.emails !== undefined) out.push('emails');
  if (input.phone !== undefined || input.phones !== undefined) out.push('phones');
  return out;
}

/** Every email and phone an input names, for the suppression check. */
function identifiersOf(input: CleanPersonInput): { email: string[]; phone: string[] } {
  const list = (single: string | null | undefined, many: readonly CleanContactPoint[] | undefined) =>
    [...new Set([...(single ? [single] : []), ...(many ?? []).map((p) => p.value)])];
  return { email: list(input.email, input.emails), phone: list(input.phone, input.phones) };
}

/** A person's contact list after a patch of the primary value alone (`email: …` without `emails`). */
function withPrimary(current: readonly CleanContactPoint[], primary: string | null, kind: 'email' | 'phone'): CleanContactPoint[] {
  const same = (a: string, b: string) => normalisers[kind](a) === normalisers[kind](b);
  const others = current.filter((p) => !p.primary && (primary === null || !same(p.value, primary)));
  const oldPrimary = current.find((p) => p.primary);
  if (primary === null) return others.map((p, i) => ({ ...p, primary: i === 0 }));
  const label = oldPrimary ? oldPrimary.label : null;
  return [{ value: primary, label, primary: true }, ...others.map((p) => ({ ...p, primary: false }))];
}

/**
 * @example
 * const people = createPeopleService({ db, clock, keys, fieldCipher, blindIndex, gate, purposes, catalogue, suppression, erasure });
 * const ada = await people.create(ctx, { firstName: 'Ada', emails: [{ value: 'ada@example.com', primary: true }] });
 * await people.get(ctx, ada.id);
 */
export function createPeopleService(deps: PeopleDeps): PeopleService {
  const { db, clock, keys, fieldCipher, blindIndex, gate, suppression } = deps;
  const kysely = db.kysely;
  const auditDeps = { dialect: db.dialect, clock };
  const rows = createPersonRowBuilder({ fieldCipher, blindIndex });
  const views = createPersonViews({ fieldCipher });

  // Hot path: the point select is compiled once; each call swaps the parameters.
  const selectTemplate = kysely.selectFrom('persons').selectAll().where('workspace_id', '=', '?').where('id', '=', '?').compile();
  const findRow = async (executor: Kysely<Database>, workspaceId: string, personId: string): Promise<PersonRow | undefined> => {
    if (!isPersonId(personId)) return undefined;
    const query = { ...selectTemplate, parameters: [workspaceId, personId] } as CompiledQuery<PersonRow>;
    return (await executor.executeQuery(query)).rows[0];
  };
  const assertLive = (row: PersonRow | undefined): PersonRow => {
    if (!row) throw new AppError('NOT_FOUND', { resource: 'person' });
    if (row.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
    if (row.erasing_run_id !== null) throw new AppError('CONFLICT', { detail: 'An erasure of this person is in progress' });
    return row;
  };
  const getLiveRowOrThrow = async (executor: Kysely<Database>, workspaceId: string, personId: string): Promise<PersonRow> =>
    assertLive(await findRow(executor, workspaceId, personId));

  const clean = (input: PersonInput, mode: 'create' | 'patch', defaultCountry?: string): CleanPersonInput => {
    const result = validatePersonInput(input, { mode, defaultCountry });
    if (!result.ok) throw invalid(result.errors);
    return result.value;
  };

  /** Owners are users of the workspace. */
  const assertOwner = async (workspaceId: string, ownerUserId: string | null | undefined) => {
    if (typeof ownerUserId !== 'string') return;
    const user = await kysely.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).where('id', '=', ownerUserId).executeTakeFirst();
    if (!user) throw invalid([{ path: '/ownerUserId', message: 'is not a user of this workspace' }]);
  };

  /** Refuses suppressed identifiers unless overridden; audits the refusal (committed) or returns the override. */
  const checkSuppression = async (ctx: ProcessingContext, action: string, input: CleanPersonInput, options: WriteOptions) => {
    const ids = identifiersOf(input);
    const found = new Set<string>();
    const count = Math.max(ids.email.length, ids.phone.length);
    for (let i = 0; i < count; i += 1) {
      for (const kind of await suppression.matches(kysely, ctx.workspaceId, { email: ids.email[i], phone: ids.phone[i] })) found.add(kind);
    }
    const hits = (['email', 'phone'] as const).filter((k) => found.has(k));
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

  const findSuppressed: PeopleService['findSuppressed'] = async (workspaceId, items) => {
    const wanted: { index: number; kind: string; hex: string }[] = [];
    items.forEach((item, index) => {
      const emails = [item.email, ...(item.emails ?? []).map((p) => p.value)];
      const phones = [item.phone, ...(item.phones ?? []).map((p) => p.value)];
      for (const [kind, values] of [['email', emails], ['phone', phones]] as const) {
        for (const value of values) {
          if (typeof value !== 'string' || value.trim() === '') continue;
          for (const h of suppression.hashes(workspaceId, { [kind]: value })) wanted.push({ index, kind: h.kind, hex: h.hash.toString('hex') });
        }
      }
    });
    const found = new Set<string>();
    for (let i = 0; i < wanted.length; i += 500) {
      const part = wanted.slice(i, i + 500);
      const hits = await kysely
        .selectFrom('suppressions')
        .select(['kind', 'hash'])
        .where('workspace_id', '=', workspaceId)
        .where('hash', 'in', part.map((w) => Buffer.from(w.hex, 'hex')))
        .execute();
      for (const h of hits) found.add(`${h.kind}:${Buffer.from(h.hash).toString('hex')}`);
    }
    return [...new Set(wanted.filter((w) => found.has(`${w.kind}:${w.hex}`)).map((w) => w.index))].sort((a, b) => a - b);
  };

  /** A new `persons` row with its encrypted columns, and the rows of its details. */
  const newPerson = (
    key: DataKey,
    workspaceId: string,
    id: string,
    pseudonym: string,
    input: CleanPersonInput,
    provenance: CleanProvenance,
    now: string,
  ): { row: PersonRow; details: PersonDetailRows } => {
    const address = input.address ? JSON.stringify(input.address) : undefined;
    const columns = rows.columns(key, workspaceId, id, {
      firstName: input.firstName,
      lastName: input.lastName,
      email: input.email,
      phone: input.phone,
      jobTitle: input.jobTitle,
      address,
      notes: input.notes,
      sourceDetail: provenance.sourceDetail ?? undefined,
    });
    const row: PersonRow = {
      id,
      workspace_id: workspaceId,
      pseudonym,
      first_name: null,
      last_name: null,
      email: null,
      phone: null,
      job_title: null,
      address: null,
      notes: null,
      source_detail: null,
      ...columns,
      organization_id: input.organizationId ?? null,
      owner_user_id: input.ownerUserId ?? null,
      lifecycle_stage: input.lifecycleStage ?? null,
      source: provenance.source,
      obtained_at: provenance.obtainedAt ?? now,
      import_id: provenance.importId,
      created_at: now,
      updated_at: now,
      erased_at: null,
      erasing_run_id: null,
      version: 1,
    };
    return { row, details: rows.detailRows(key, workspaceId, id, input, now) };
  };

  const insertDetails = async (trx: Kysely<Database>, details: readonly PersonDetailRows[]) => {
    await insertAll(trx, 'person_contact_points', details.flatMap((d) => d.contactPoints));
    await insertAll(trx, 'person_blind_indexes', details.flatMap((d) => d.blindIndexes));
    await insertAll(trx, 'person_tags', details.flatMap((d) => d.tags));
    await insertAll(trx, 'person_field_provenance', details.flatMap((d) => d.provenance));
  };

  /** Views of rows the gate allowed, with their keys fetched in one go (shredded ones skipped). */
  const viewsOf = async (executor: Kysely<Database>, workspaceId: string, list: readonly PersonRow[], readable: readonly PersonAttribute[]) => {
    const found = await keys.getDataKeys(executor, workspaceId, list.map((r) => r.id));
    return views.load(executor, list, found, readable);
  };

  const viewOrThrow = async (executor: Kysely<Database>, row: PersonRow, readable: readonly PersonAttribute[]): Promise<PersonView> => {
    const key = await keys.getDataKey(executor, row.workspace_id, row.id);
    const [view] = await views.load(executor, [row], new Map([[row.id, key]]), readable);
    if (!view) throw new AppError('NOT_FOUND', { resource: 'person' });
    return view;
  };

  /**
   * Runs the gate for a page of people. When some of them refuse the purpose (objection, restriction, missing
   * consent), the others are still shown: the refused ones are found with the gate's own pure decision over their
   * standing, and the gate is run again for the rest (both attempts are audited).
   */
  const readableOf = async (ctx: ProcessingContext, list: readonly PersonRow[], names: readonly PersonAttribute[], operation: 'read' | 'search'): Promise<Set<string>> => {
    const request = (subset: readonly PersonRow[]) => ({
      personIds: subset.map((r) => r.id),
      operation,
      attributes: { entity: 'person', names },
      pseudonyms: new Map(subset.map((r) => [r.id, r.pseudonym])),
    });
    try {
      await gate.check(kysely, ctx, request(list));
      return new Set(list.map((r) => r.id));
    } catch (error) {
      if (!isAppError(error) || !personLevelRefusals.has(error.code) || list.length < 2) throw error;
    }
    const purpose = await deps.purposes.getOrThrow(kysely, ctx.workspaceId, ctx.purpose);
    const declared = await deps.catalogue.assertDeclared(kysely, ctx.workspaceId, 'person', names);
    const categories = await deps.catalogue.categoryFacts(kysely, ctx.workspaceId, declared.map((d) => d.category));
    const withConsent = purposeNeedsConsent(purpose, categories.some((c) => c.special));
    const standings = await loadStandings(kysely, ctx.workspaceId, list.map((r) => r.id), purpose.key, { withConsent });
    const ok = new Set(
      standings
        .filter((st) => decideProcessing({ purpose, role: ctx.role, categories, standings: [st], operation }).allowed)
        .map((st) => st.personId),
    );
    const rest = list.filter((r) => ok.has(r.id));
    if (rest.length > 0) await gate.check(kysely, ctx, request(rest));
    return ok;
  };

  /** A person's emails or phones; a person stored before contact points (0020) has only its primary in `persons`. */
  const loadPoints = async (trx: Kysely<Database>, key: DataKey, workspaceId: string, personId: string, kind: 'email' | 'phone'): Promise<CleanContactPoint[]> => {
    const points = await loadPointRows(trx, key, workspaceId, personId, kind);
    if (points.length > 0) return points;
    const row = await trx.selectFrom('persons').select(kind).where('workspace_id', '=', workspaceId).where('id', '=', personId).executeTakeFirst();
    const envelope = row?.[kind];
    return envelope ? [{ value: fieldCipher.decrypt(key, envelope, personBinding(workspaceId, personId, kind)), label: null, primary: true }] : [];
  };
  const loadPointRows = async (trx: Kysely<Database>, key: DataKey, workspaceId: string, personId: string, kind: 'email' | 'phone'): Promise<CleanContactPoint[]> => {
    const found = await trx
      .selectFrom('person_contact_points')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('person_id', '=', personId)
      .where('kind', '=', kind)
      .orderBy('position')
      .execute();
    return found.map((p) => ({ value: fieldCipher.decrypt(key, p.value, contactPointBinding(workspaceId, p.id)), label: p.label, primary: p.is_primary === 1 }));
  };

  const replaceIndex = async (trx: Kysely<Database>, workspaceId: string, personId: string, field: string, indexRows: Database['person_blind_indexes'][]) => {
    await trx.deleteFrom('person_blind_indexes').where('workspace_id', '=', workspaceId).where('person_id', '=', personId).where('field', '=', field).execute();
    await insertAll(trx, 'person_blind_indexes', indexRows);
  };

  /** Blind-index candidates scanned per round when custom-field filters must be confirmed, and the rounds allowed. */
  const confirmBatch = 200;
  const confirmRounds = 25;

  /**
   * A page of people matching the filters. Custom-field filters go through the truncated blind index, whose buckets
   * hold strangers too: their candidates are confirmed on decrypted values, scanning further in sort order until the
   * page is full (at most `confirmRounds` batches; a page may then come back short, with a cursor to go on).
   */
  async function selectConfirmedPage(workspaceId: string, query: PeopleListQuery) {
    const confirm = deps.customFilterConfirmer?.current;
    const filters = query.customFields ?? [];
    if (!confirm || filters.length === 0) return selectPeoplePage(kysely, blindIndex, workspaceId, query);
    const sort = query.sort ?? 'createdAt';
    const order = query.order ?? 'asc';
    const kept: Database['persons'][] = [];
    let cursor = query.cursor;
    for (let round = 0; round < confirmRounds && kept.length <= query.limit; round++) {
      const found = await selectPeoplePage(kysely, blindIndex, workspaceId, { ...query, cursor, limit: confirmBatch });
      const rows = found.slice(0, confirmBatch);
      const truly = rows.length === 0 ? new Set<string>() : await confirm(kysely, workspaceId, rows.map((r) => r.id), filters);
      kept.push(...rows.filter((r) => truly.has(r.id)));
      const last = rows[rows.length - 1];
      if (found.length <= confirmBatch || !last) return kept;
      cursor = encodePeopleCursor(sort, order, sort === 'createdAt' ? last.created_at : last.updated_at, last.id);
    }
    return kept;
  }

  const service: PeopleService = {
    async create(ctx, input, options = {}) {
      const values = clean(input, 'create');
      const override = await checkSuppression(ctx, 'person.create', values, options);
      await assertOwner(ctx.workspaceId, values.ownerUserId);
      const id = randomUUID();
      const pseudonym = newPseudonym();
      const now = clock.now().toISOString();
      const fields = attributesOf(values);
      // One audit entry: the gate's allowed entry is the create's (action, pseudonym, purpose, fields, override).
      const request = {
        personIds: [],
        operation: 'write' as const,
        attributes: { entity: 'person', names: fields },
        allowedEntry: { action: 'person.create', resourceId: id, subjectPseudonym: pseudonym, details: { fields, ...(override ?? {}) } },
      };
      const provenance: CleanProvenance = values.provenance ?? { source: 'provided', sourceDetail: null, obtainedAt: null, importId: null };
      // The answer shows what was just written (the write was checked): no second gate check, no second entry.
      return gate.run(kysely, ctx, request, async (trx) => {
        const key = await keys.getOrCreateDataKey(trx, ctx.workspaceId, id);
        const made = newPerson(key, ctx.workspaceId, id, pseudonym, values, provenance, now);
        await trx.executeQuery(insertPerson(trx, made.row as unknown as Record<string, unknown>));
        await insertDetails(trx, [made.details]);
        // The view is built from the rows just written (no second read of them).
        const [view] = await views.load(trx, [made.row], new Map([[id, key]]), personAttributes, made.details);
        return view as PersonView;
      });
    },

    async createMany(ctx, items, stamp, within) {
      if (items.length === 0) return [];
      const cleaned: CleanPersonInput[] = [];
      const errors: { path: string; message: string }[] = [];
      items.forEach((item, i) => {
        if (isValidatedForCreate(item)) {
          cleaned.push(item);
          return;
        }
        const result = validatePersonInput(item, { mode: 'create', defaultCountry: stamp.defaultCountry });
        if (result.ok) cleaned.push(result.value);
        else errors.push(...result.errors.map((e) => ({ path: `/items/${i}${e.path}`, message: e.message })));
      });
      if (errors.length > 0) throw invalid(errors.slice(0, 100));
      const suppressed = await findSuppressed(ctx.workspaceId, cleaned);
      if (suppressed.length > 0) {
        throw new AppError('SUPPRESSED', { detail: 'Some people were erased or objected; leave them out', rows: suppressed.slice(0, 1000), count: suppressed.length });
      }
      for (const owner of new Set(cleaned.map((c) => c.ownerUserId).filter((o): o is string => typeof o === 'string'))) await assertOwner(ctx.workspaceId, owner);
      const now = clock.now().toISOString();
      // Time-ordered ids: a batch's rows go at the end of the indexes keyed by person id, not on random pages.
      const created = cleaned.map(() => ({ id: timeOrderedUuid(), pseudonym: newPseudonym() }));
      const fields = personAttributes.filter((a) => cleaned.some((c) => attributesOf(c).includes(a)) || (a === 'sourceDetail' && stamp.sourceDetail));
      const request = {
        personIds: [],
        operation: 'write' as const,
        attributes: { entity: 'person', names: fields },
        allowedEntry: {
          action: 'person.create_many',
          resourceId: stamp.importId ?? null,
          subjectPseudonym: null,
          details: { fields, count: created.length, digest: subjectDigest(created.map((c) => c.id)), source: stamp.source },
        },
      };
      const obtainedAt = stamp.obtainedAt === undefined ? now : new Date(stamp.obtainedAt).toISOString();
      await gate.run(kysely, ctx, request, async (trx) => {
        const dataKeys = await keys.createDataKeys(trx, ctx.workspaceId, created.map((c) => c.id));
        const personRows: PersonRow[] = [];
        const details: PersonDetailRows[] = [];
        cleaned.forEach((values, i) => {
          const { id, pseudonym } = created[i] as CreatedPerson;
          const provenance: CleanProvenance = {
            source: stamp.source,
            sourceDetail: values.provenance?.sourceDetail ?? stamp.sourceDetail ?? null,
            obtainedAt: values.provenance?.obtainedAt ?? obtainedAt,
            importId: stamp.importId ?? null,
          };
          const made = newPerson(dataKeys[i] as DataKey, ctx.workspaceId, id, pseudonym, values, provenance, now);
          personRows.push(made.row);
          details.push(made.details);
        });
        await insertPeopleRows(trx, db.dialect, personRows, details);
        if (within) await within(trx, created);
      });
      return created;
    },

    findSuppressed,

    async get(ctx, personId) {
      const row = await getLiveRowOrThrow(kysely, ctx.workspaceId, personId);
      const { readable } = await readableAttributes(kysely, deps, ctx);
      await gate.check(kysely, ctx, {
        personIds: [row.id],
        operation: 'read',
        attributes: { entity: 'person', names: readable },
        pseudonyms: new Map([[row.id, row.pseudonym]]),
      });
      return viewOrThrow(kysely, row, readable);
    },

    async update(ctx, personId, expectedVersion, patch, options = {}) {
      const values = clean(patch, 'patch');
      const reason = options.reason?.trim() || null;
      if (reason !== null && reason.length > 500) throw invalid([{ path: '/reason', message: 'must be at most 500 characters' }]);
      const before = await getLiveRowOrThrow(kysely, ctx.workspaceId, personId);
      const override = await checkSuppression(ctx, 'person.update', values, options);
      await assertOwner(ctx.workspaceId, values.ownerUserId);
      const fields = attributesOf(values);
      const business = (['organizationId', 'ownerUserId', 'lifecycleStage', 'tags'] as const).filter((k) => values[k] !== undefined);
      const request = {
        personIds: [before.id],
        operation: 'write' as const,
        attributes: { entity: 'person', names: fields },
        pseudonyms: new Map([[before.id, before.pseudonym]]),
        allowedEntry: { action: 'person.update', resourceId: personId, subjectPseudonym: before.pseudonym, details: { fields, business, ...(override ?? {}) } },
      };
      const { readable } = await readableAttributes(kysely, deps, ctx);
      return gate.run(kysely, ctx, request, async (trx) => {
        const row = assertLive(
          await forUpdate(trx.selectFrom('persons').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', personId), db.dialect).executeTakeFirst(),
        );
        if (row.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { currentVersion: row.version });
        const key = await keys.getOrCreateDataKey(trx, ctx.workspaceId, personId);
        const ws = ctx.workspaceId;
        const plain = (a: PersonAttribute): string | null => {
          const envelope = row[personColumns[a]];
          return envelope ? fieldCipher.decrypt(key, envelope, personBinding(ws, personId, a)) : null;
        };
        const old: Record<string, unknown> = {};
        const changed: Partial<Record<PersonAttribute, string | null>> = {};
        for (const a of ['firstName', 'lastName', 'jobTitle', 'notes'] as const) {
          if (values[a] === undefined) continue;
          old[a] = plain(a);
          changed[a] = values[a];
        }
        if (values.address !== undefined) {
          const was = plain('address');
          old.address = was === null ? null : (JSON.parse(was) as unknown);
          changed.address = values.address === null ? null : JSON.stringify(values.address);
        }
        const set: Partial<PersonRow> = {};
        for (const [kind, listKey] of [['email', 'emails'], ['phone', 'phones']] as const) {
          if (values[kind] === undefined && values[listKey] === undefined) continue;
          const current = await loadPoints(trx, key, ws, personId, kind);
          const next = values[listKey] ?? withPrimary(current, values[kind] ?? null, kind);
          old[listKey] = current;
          changed[kind] = next.find((p) => p.primary)?.value ?? null;
          await trx.deleteFrom('person_contact_points').where('workspace_id', '=', ws).where('person_id', '=', personId).where('kind', '=', kind).execute();
          await insertAll(trx, 'person_contact_points', rows.contactPoints(key, ws, personId, kind, next));
          await replaceIndex(trx, ws, personId, kind, rows.contactIndexRows(ws, personId, kind, next));
        }
        if (values.firstName !== undefined || values.lastName !== undefined) {
          const names = [values.firstName === undefined ? plain('firstName') : values.firstName, values.lastName === undefined ? plain('lastName') : values.lastName];
          await replaceIndex(trx, ws, personId, nameIndexField, rows.nameIndexRows(ws, personId, names));
        }
        Object.assign(set, rows.columns(key, ws, personId, changed));
        if (values.organizationId !== undefined) set.organization_id = values.organizationId;
        if (values.ownerUserId !== undefined) set.owner_user_id = values.ownerUserId;
        if (values.lifecycleStage !== undefined) set.lifecycle_stage = values.lifecycleStage;
        if (values.tags !== undefined) {
          await trx.deleteFrom('person_tags').where('workspace_id', '=', ws).where('person_id', '=', personId).execute();
          await insertAll(trx, 'person_tags', values.tags.map((tag) => ({ workspace_id: ws, person_id: personId, tag })));
        }
        const now = clock.now().toISOString();
        // Provenance of the changed values: the patch's own, per field where it differs from the record's.
        const fieldProvenance: Partial<Record<ProvenanceField, CleanProvenance>> = { ...values.fieldProvenance };
        if (values.provenance) for (const f of provenanceFieldsOf(values)) fieldProvenance[f] ??= values.provenance;
        const provenanceRows = rows.provenanceRows(key, ws, personId, fieldProvenance, now);
        if (provenanceRows.length > 0) {
          await trx.deleteFrom('person_field_provenance').where('workspace_id', '=', ws).where('person_id', '=', personId).where('field', 'in', provenanceRows.map((r) => r.field)).execute();
          await insertAll(trx, 'person_field_provenance', provenanceRows);
        }
        const version = row.version + 1;
        if (Object.keys(old).length > 0) {
          const id = randomUUID();
          await trx
            .insertInto('person_rectifications')
            .values({
              id,
              workspace_id: ws,
              person_id: personId,
              version,
              fields: JSON.stringify(Object.keys(old)),
              old_values: fieldCipher.encryptJson(key, old, rectificationBinding(ws, id, 'old_values')),
              reason: reason === null ? null : fieldCipher.encrypt(key, reason, rectificationBinding(ws, id, 'reason')),
              actor_type: ctx.actor.type,
              actor_id: ctx.actor.id,
              changed_at: now,
            })
            .execute();
        }
        await trx
          .updateTable('persons')
          .set({ ...set, updated_at: now, version })
          .where('workspace_id', '=', ws)
          .where('id', '=', personId)
          .where('version', '=', expectedVersion)
          .execute();
        // The answer shows the person as the purpose lets this caller see it (the write was checked, and audited once).
        const updated = await trx.selectFrom('persons').selectAll().where('workspace_id', '=', ws).where('id', '=', personId).executeTakeFirstOrThrow();
        const [view] = await views.load(trx, [updated], new Map([[personId, key]]), readable);
        return view as PersonView;
      });
    },

    async list(ctx, query) {
      const found = await selectConfirmedPage(ctx.workspaceId, query);
      const pageRows = found.slice(0, query.limit);
      const { readable } = await readableAttributes(kysely, deps, ctx);
      const allowed = pageRows.length === 0 ? new Set<string>() : await readableOf(ctx, pageRows, readable, 'read');
      const items = await viewsOf(kysely, ctx.workspaceId, pageRows.filter((r) => allowed.has(r.id)), readable);
      const last = pageRows[pageRows.length - 1];
      const sort = query.sort ?? 'createdAt';
      const order = query.order ?? 'asc';
      const nextCursor =
        found.length > query.limit && last ? encodePeopleCursor(sort, order, sort === 'createdAt' ? last.created_at : last.updated_at, last.id) : null;
      return { items, nextCursor };
    },

    async search(ctx, { text, limit }) {
      const tokens = [...new Set(nameTokens(text))].slice(0, 5);
      if (tokens.length === 0) throw invalid([{ path: '/query', message: 'give at least one letter or digit' }]);
      const hashes = [...new Map(tokens.map((t) => {
        const h = blindIndex.compute(ctx.workspaceId, nameIndexField, nameQueryTerm(t), 'text');
        return [h.toString('hex'), h] as const;
      })).values()];
      // People holding every term's bucket (the index is truncated: most of a large workspace's candidates are false).
      const candidates = await kysely
        .selectFrom('persons')
        .selectAll()
        .where('workspace_id', '=', ctx.workspaceId)
        .where('erased_at', 'is', null)
        .where('erasing_run_id', 'is', null)
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('person_blind_indexes')
            .select('person_id')
            .where('workspace_id', '=', ctx.workspaceId)
            .where('field', '=', nameIndexField)
            .where('hash', 'in', hashes)
            .groupBy('person_id')
            .having((h) => h.fn.count('hash').distinct(), '=', hashes.length),
        )
        .orderBy('created_at', 'desc')
        .limit(2000)
        .execute();
      const candidateKeys = await keys.getDataKeys(kysely, ctx.workspaceId, candidates.map((r) => r.id));
      const matches = candidates.filter((row) => {
        const key = candidateKeys.get(row.id);
        if (!key) return false;
        const name = (a: 'firstName' | 'lastName') => {
          const envelope = row[personColumns[a]];
          return envelope ? fieldCipher.decrypt(key, envelope, personBinding(ctx.workspaceId, row.id, a)) : null;
        };
        return namesMatch([name('firstName'), name('lastName')], tokens);
      });
      const page = matches.slice(0, limit);
      const { readable } = await readableAttributes(kysely, deps, ctx);
      const allowed = page.length === 0 ? new Set<string>() : await readableOf(ctx, page, readable, 'search');
      return views.load(kysely, page.filter((r) => allowed.has(r.id)), candidateKeys, readable);
    },

    async lookup(ctx, by) {
      const kind = by.field;
      const given = kind === 'phone' ? cleanPhone(by.value) ?? by.value : by.value;
      const wanted = normalisers[kind](given);
      const hash = blindIndex.compute(ctx.workspaceId, kind, given, kind);
      const candidates = await kysely
        .selectFrom('person_blind_indexes as b')
        .innerJoin('persons as p', 'p.id', 'b.person_id')
        .selectAll('p')
        .where('b.workspace_id', '=', ctx.workspaceId)
        .where('b.field', '=', kind)
        .where('b.hash', '=', hash)
        .where('p.workspace_id', '=', ctx.workspaceId)
        .where('p.erased_at', 'is', null)
        .where('p.erasing_run_id', 'is', null)
        .execute();
      // The index is truncated: decrypt each candidate's values and keep the true matches only.
      const candidateKeys = await keys.getDataKeys(kysely, ctx.workspaceId, candidates.map((row) => row.id));
      const points =
        candidates.length === 0
          ? []
          : await kysely
              .selectFrom('person_contact_points')
              .select(['id', 'person_id', 'value'])
              .where('workspace_id', '=', ctx.workspaceId)
              .where('kind', '=', kind)
              .where('person_id', 'in', candidates.map((r) => r.id))
              .execute();
      const hit = new Set<string>();
      for (const p of points) {
        const key = candidateKeys.get(p.person_id);
        if (key && normalisers[kind](fieldCipher.decrypt(key, p.value, contactPointBinding(ctx.workspaceId, p.id))) === wanted) hit.add(p.person_id);
      }
      // People stored before contact points (migration 0020) have their one value in `persons` only.
      const withPoints = new Set(points.map((p) => p.person_id));
      for (const row of candidates) {
        const key = candidateKeys.get(row.id);
        const envelope = row[kind];
        if (withPoints.has(row.id) || !key || !envelope) continue;
        if (normalisers[kind](fieldCipher.decrypt(key, envelope, personBinding(ctx.workspaceId, row.id, kind))) === wanted) hit.add(row.id);
      }
      const matches = candidates.filter((r) => hit.has(r.id));
      const { readable } = await readableAttributes(kysely, deps, ctx);
      await gate.check(kysely, ctx, {
        personIds: matches.map((m) => m.id),
        operation: 'search',
        attributes: { entity: 'person', names: readable },
        pseudonyms: new Map(matches.map((m) => [m.id, m.pseudonym])),
      });
      return views.load(kysely, matches, candidateKeys, readable);
    },

    async rectifications(ctx, personId, page) {
      const row = await getLiveRowOrThrow(kysely, ctx.workspaceId, personId);
      const { readable } = await readableAttributes(kysely, deps, ctx);
      await gate.check(kysely, ctx, {
        personIds: [row.id],
        operation: 'read',
        attributes: { entity: 'person', names: readable },
        pseudonyms: new Map([[row.id, row.pseudonym]]),
      });
      let query = kysely.selectFrom('person_rectifications').selectAll().where('workspace_id', '=', ctx.workspaceId).where('person_id', '=', personId);
      if (page.before) query = query.where('changed_at', '<', page.before);
      const found = await query.orderBy('changed_at', 'desc').orderBy('version', 'desc').limit(page.limit).execute();
      if (found.length === 0) return [];
      const key = await keys.getDataKey(kysely, ctx.workspaceId, personId);
      const shown = new Set<string>(readable);
      const visible = (field: string) => shown.has(field === 'emails' ? 'email' : field === 'phones' ? 'phone' : field);
      return found.map((r) => {
        const all = fieldCipher.decryptJson<Record<string, unknown>>(key, r.old_values, rectificationBinding(ctx.workspaceId, r.id, 'old_values'));
        return {
          id: r.id,
          at: r.changed_at,
          version: r.version,
          fields: JSON.parse(r.fields) as string[],
          oldValues: Object.fromEntries(Object.entries(all).filter(([f]) => visible(f))),
          reason: r.reason && shown.has('notes') ? fieldCipher.decrypt(key, r.reason, rectificationBinding(ctx.workspaceId, r.id, 'reason')) : null,
          actor: { type: r.actor_type as ActorType, id: r.actor_id },
        };
      });
    },

    async reassignDetails(trx, t) {
      const ws = t.workspaceId;
      let moved = 0;
      // Emails and phones: the kept person's list first, then the merged-away person's values it lacks (not primary).
      for (const kind of ['email', 'phone'] as const) {
        const kept = await loadPoints(trx, t.toKey, ws, t.toPersonId, kind);
        const from = await loadPoints(trx, t.fromKey, ws, t.fromPersonId, kind);
        const known = new Set(kept.map((p) => normalisers[kind](p.value)));
        const added = from.filter((p) => !known.has(normalisers[kind](p.value))).map((p) => ({ ...p, primary: false }));
        await trx.deleteFrom('person_contact_points').where('workspace_id', '=', ws).where('person_id', '=', t.fromPersonId).where('kind', '=', kind).execute();
        await trx.deleteFrom('person_blind_indexes').where('workspace_id', '=', ws).where('person_id', '=', t.fromPersonId).where('field', '=', kind).execute();
        if (added.length === 0) continue;
        const next = kept.length === 0 ? added.map((p, i) => ({ ...p, primary: i === 0 })) : [...kept, ...added];
        await trx.deleteFrom('person_contact_points').where('workspace_id', '=', ws).where('person_id', '=', t.toPersonId).where('kind', '=', kind).execute();
        await insertAll(trx, 'person_contact_points', rows.contactPoints(t.toKey, ws, t.toPersonId, kind, next));
        await replaceIndex(trx, ws, t.toPersonId, kind, rows.contactIndexRows(ws, t.toPersonId, kind, next));
        if (kept.length === 0) {
          const primary = next[0] as CleanContactPoint;
          await trx.updateTable('persons').set(rows.columns(t.toKey, ws, t.toPersonId, { [kind]: primary.value })).where('workspace_id', '=', ws).where('id', '=', t.toPersonId).execute();
        }
        moved += added.length;
      }
      const tags = await trx.selectFrom('person_tags').select('tag').where('workspace_id', '=', ws).where('person_id', '=', t.fromPersonId).execute();
      if (tags.length > 0) {
        const keptTags = await trx.selectFrom('person_tags').select('tag').where('workspace_id', '=', ws).where('person_id', '=', t.toPersonId).execute();
        const has = new Set(keptTags.map((r) => r.tag));
        await insertAll(trx, 'person_tags', tags.filter((r) => !has.has(r.tag)).map((r) => ({ workspace_id: ws, person_id: t.toPersonId, tag: r.tag })));
        await trx.deleteFrom('person_tags').where('workspace_id', '=', ws).where('person_id', '=', t.fromPersonId).execute();
        moved += tags.length;
      }
      // History follows the kept person, re-encrypted under its key.
      const history = await trx.selectFrom('person_rectifications').selectAll().where('workspace_id', '=', ws).where('person_id', '=', t.fromPersonId).execute();
      for (const r of history) {
        const oldValues = fieldCipher.decryptJson(t.fromKey, r.old_values, rectificationBinding(ws, r.id, 'old_values'));
        const reason = r.reason ? fieldCipher.decrypt(t.fromKey, r.reason, rectificationBinding(ws, r.id, 'reason')) : null;
        await trx
          .updateTable('person_rectifications')
          .set({
            person_id: t.toPersonId,
            old_values: fieldCipher.encryptJson(t.toKey, oldValues, rectificationBinding(ws, r.id, 'old_values')),
            reason: reason === null ? null : fieldCipher.encrypt(t.toKey, reason, rectificationBinding(ws, r.id, 'reason')),
          })
          .where('workspace_id', '=', ws)
          .where('id', '=', r.id)
          .execute();
      }
      await trx.deleteFrom('person_field_provenance').where('workspace_id', '=', ws).where('person_id', '=', t.fromPersonId).execute();
      return moved + history.length;
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

