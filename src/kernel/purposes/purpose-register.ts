import type { Kysely, Selectable } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database, PurposeTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit, type Actor } from '../audit/audit-log.ts';
import type { Catalogue } from '../catalogue/create-catalogue.ts';
import { normaliseRetention } from '../catalogue/retention.ts';
import { canonicalCategoryKey } from '../catalogue/taxonomy.ts';
import type { Clock } from '../clock.ts';
import type { CategoryFacts } from '../gate/decide-processing.ts';
import type { ActorContext } from '../gate/processing-context.ts';
import { createWorkspaceCache } from '../gate/workspace-cache.ts';
import { defaultPurposes } from './default-purposes.ts';
import { requestPurposeFields, requestPurposeKey } from './request-purpose.ts';
import type { Art9Condition, LawfulBasis, PurposeRecord } from './purpose-types.ts';
import { isUniqueViolation } from './unique-violation.ts';
import { assertPurposeValid, type PurposeFields } from './validate-purpose.ts';

/** A purpose as a client creates it: key, name, basis and retention required; the rest defaults. */
export type NewPurpose = { readonly key: string } & Pick<
  PurposeFields,
  'name' | 'lawfulBasis' | 'retention'
> &
  Partial<Omit<PurposeFields, 'name' | 'lawfulBasis' | 'retention'>>;

/** Fields to change; each change makes a new version. */
export type PurposePatch = Partial<PurposeFields>;

/** One entry of a purpose's history. */
export interface PurposeVersion {
  readonly version: number;
  /** `seed`, `create`, `update`, `activate` or `deactivate`. */
  readonly change: string;
  readonly changedAt: string;
  readonly actor: Actor;
  readonly purpose: PurposeRecord;
}

export interface PurposeRegister {
  /** Current versions, by key (cached). */
  list(db: Kysely<Database>, workspaceId: string): Promise<PurposeRecord[]>;
  find(db: Kysely<Database>, workspaceId: string, key: string): Promise<PurposeRecord | undefined>;
  /** Throws `NOT_FOUND`. */
  getOrThrow(db: Kysely<Database>, workspaceId: string, key: string): Promise<PurposeRecord>;
  create(db: Kysely<Database>, ctx: ActorContext, input: NewPurpose): Promise<PurposeRecord>;
  update(db: Kysely<Database>, ctx: ActorContext, key: string, patch: PurposePatch): Promise<PurposeRecord>;
  setActive(db: Kysely<Database>, ctx: ActorContext, key: string, active: boolean): Promise<PurposeRecord>;
  /** Every version, newest first. */
  versions(db: Kysely<Database>, workspaceId: string, key: string): Promise<PurposeVersion[]>;
  invalidate(workspaceId: string): void;
}

export interface PurposeRegisterDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly catalogue: Catalogue;
  /** How long another process's change may go unseen (default 2 s); local changes are seen at once. */
  readonly cacheTtlMs?: number;
}

/** Shape of a purpose key (`email_marketing`). */
export const purposeKeyPattern = /^[a-z][a-z0-9_]{0,63}$/;

function parseList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function toRecord(row: Selectable<PurposeTable>): PurposeRecord {
  return Object.freeze({
    key: row.key,
    version: Number(row.version),
    name: row.name,
    description: row.description,
    lawfulBasis: row.lawful_basis as LawfulBasis,
    art9Condition: (row.art9_condition as Art9Condition | null) ?? null,
    legitimateInterestAssessment: row.legitimate_interest_assessment,
    requiredCategories: parseList(row.required_categories),
    optionalCategories: parseList(row.optional_categories),
    retention: row.retention,
    recipients: parseList(row.recipients),
    active: row.active === 1,
    directMarketing: row.direct_marketing === 1,
    legalClaims: row.legal_claims === 1,
    answersRequests: Number(row.answers_requests ?? 0) === 1,
    updatedAt: row.updated_at,
  });
}

function toRow(
  workspaceId: string,
  key: string,
  version: number,
  f: PurposeFields,
  createdAt: string,
  now: string,
  answersRequests = false,
) {
  return {
    workspace_id: workspaceId,
    key,
    version,
    name: f.name,
    description: f.description,
    lawful_basis: f.lawfulBasis,
    art9_condition: f.art9Condition,
    legitimate_interest_assessment: f.legitimateInterestAssessment?.trim()
      ? f.legitimateInterestAssessment
      : null,
    required_categories: JSON.stringify(f.requiredCategories.map(canonicalCategoryKey)),
    optional_categories: JSON.stringify(f.optionalCategories.map(canonicalCategoryKey)),
    retention: normaliseRetention(f.retention) ?? String(f.retention),
    recipients: JSON.stringify(f.recipients),
    active: f.active ? 1 : 0,
    direct_marketing: f.directMarketing ? 1 : 0,
    legal_claims: f.legalClaims ? 1 : 0,
    // Written only when set: the default purposes are also seeded by migration 0011, before the column exists.
    ...(answersRequests ? { answers_requests: 1 } : {}),
    created_at: createdAt,
    updated_at: now,
  };
}

function fieldsOf(p: PurposeRecord): PurposeFields {
  return {
    name: p.name,
    description: p.description,
    lawfulBasis: p.lawfulBasis,
    art9Condition: p.art9Condition,
    legitimateInterestAssessment: p.legitimateInterestAssessment,
    requiredCategories: p.requiredCategories,
    optionalCategories: p.optionalCategories,
    retention: p.retention,
    recipients: p.recipients,
    active: p.active,
    directMarketing: p.directMarketing,
    legalClaims: p.legalClaims,
  };
}

async function insertPurposeVersion(
  trx: Kysely<Database>,
  row: ReturnType<typeof toRow>,
  change: string,
  actor: Actor,
): Promise<PurposeRecord> {
  const record = toRecord({ answers_requests: 0, ...row });
  await trx
    .insertInto('purpose_versions')
    .values({
      workspace_id: row.workspace_id,
      key: row.key,
      version: row.version,
      snapshot: JSON.stringify(record),
      change,
      actor_type: actor.type,
      actor_id: actor.id,
      changed_at: row.updated_at,
    })
    .execute();
  return record;
}

/**
 * Workspace seeder: the five default purposes (`crm`, `sales`, `support`, `accounting` active; `email_marketing`
 * inactive), each at version 1.
 *
 * @example
 * export const workspaceSeeders = [seedBuiltinRoles, seedCatalogue, seedPurposes];
 */
export async function seedPurposes(trx: Kysely<Database>, workspaceId: string, clock: Clock): Promise<void> {
  const now = clock.now().toISOString();
  for (const [key, fields] of Object.entries(defaultPurposes)) {
    const row = toRow(workspaceId, key, 1, fields, now, now);
    await trx.insertInto('purposes').values(row).execute();
    await insertPurposeVersion(trx, row, 'seed', { type: 'system', id: 'workspace-seed' });
  }
}

/**
 * Workspace seeder (and migration 0170 for older workspaces): the built-in `data_subject_requests` purpose
 * (ADR 0034). A workspace that already had a purpose of that key sees it replaced by a new version with the built-in
 * fields (change `builtin`), so that the flag cannot be held by a purpose of the workspace's own making.
 *
 * @example
 * export const workspaceSeeders = [seedBuiltinRoles, seedCatalogue, seedPurposes, seedRequestPurpose];
 */
export async function seedRequestPurpose(trx: Kysely<Database>, workspaceId: string, clock: Clock): Promise<void> {
  const now = clock.now().toISOString();
  const actor: Actor = { type: 'system', id: 'workspace-seed' };
  const existing = await trx
    .selectFrom('purposes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', requestPurposeKey)
    .executeTakeFirst();
  if (!existing) {
    const row = toRow(workspaceId, requestPurposeKey, 1, requestPurposeFields, now, now, true);
    await trx.insertInto('purposes').values(row).execute();
    await insertPurposeVersion(trx, row, 'seed', actor);
    return;
  }
  if (Number(existing.answers_requests) === 1) return;
  const version = Number(existing.version) + 1;
  const row = toRow(workspaceId, requestPurposeKey, version, requestPurposeFields, existing.created_at, now, true);
  const { workspace_id: _w, key: _k, created_at: _c, ...set } = row;
  await trx
    .updateTable('purposes')
    .set(set)
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', requestPurposeKey)
    .execute();
  await insertPurposeVersion(trx, row, 'builtin', actor);
}

/** Refuses what the built-in requests purpose may not undergo: being switched off (ADR 0034). */
function assertBuiltinKept(current: PurposeRecord, next: PurposeFields): void {
  if (current.answersRequests && !next.active) {
    throw new AppError('CONFLICT', {
      detail: `The built-in purpose ${current.key} answers data subject requests: it cannot be deactivated`,
      purpose: current.key,
    });
  }
}

/**
 * The purpose register: current purposes cached per workspace (the gate reads them on every check), every change a
 * new version with its history kept and audited.
 *
 * @example
 * const purposes = createPurposeRegister({ dialect: db.dialect, clock, catalogue });
 * await purposes.setActive(db.kysely, ctx, 'email_marketing', true);
 * (await purposes.versions(db.kysely, workspaceId, 'email_marketing'))[0]?.version; // 2
 */
export function createPurposeRegister(deps: PurposeRegisterDeps): PurposeRegister {
  const cache = createWorkspaceCache<Kysely<Database>, ReadonlyMap<string, PurposeRecord>>(
    async (db, workspaceId) => {
      const rows = await db
        .selectFrom('purposes')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .execute();
      return new Map(rows.map((r) => [r.key, toRecord(r)]));
    },
    { ttlMs: deps.cacheTtlMs ?? 2000, now: () => deps.clock.now().getTime() },
  );

  async function factsFor(db: Kysely<Database>, workspaceId: string, f: PurposeFields) {
    const categories = await deps.catalogue.listCategories(db, workspaceId);
    const byKey = new Map(categories.map((c) => [c.key, c]));
    const facts = new Map<string, CategoryFacts>();
    for (const key of [...f.requiredCategories, ...f.optionalCategories]) {
      const found = byKey.get(canonicalCategoryKey(key));
      if (found) facts.set(key, { key: found.key, special: found.special, criminal: found.criminal });
    }
    return facts;
  }

  async function audit(
    trx: Kysely<Database>,
    ctx: ActorContext,
    action: string,
    record: PurposeRecord,
    details = {},
  ) {
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'purpose',
      resourceId: record.key,
      purpose: record.key,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: { version: record.version, ...details },
    });
  }

  async function change(
    db: Kysely<Database>,
    ctx: ActorContext,
    key: string,
    edit: (current: PurposeRecord) => { fields: PurposeFields; change: string; changed: string[] },
  ): Promise<PurposeRecord> {
    const now = deps.clock.now().toISOString();
    const result = await db.transaction().execute(async (trx) => {
      const row = await forUpdate(
        trx
          .selectFrom('purposes')
          .selectAll()
          .where('workspace_id', '=', ctx.workspaceId)
          .where('key', '=', key),
        deps.dialect,
      ).executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', { resource: 'purpose', key });
      const current = toRecord(row);
      const next = edit(current);
      if (next.changed.length === 0) return current;
      assertBuiltinKept(current, next.fields);
      assertPurposeValid(next.fields, await factsFor(trx, ctx.workspaceId, next.fields));
      const newRow = toRow(
        ctx.workspaceId,
        key,
        current.version + 1,
        next.fields,
        row.created_at,
        now,
        current.answersRequests,
      );
      const { workspace_id: _w, key: _k, created_at: _c, ...set } = newRow;
      await trx
        .updateTable('purposes')
        .set(set)
        .where('workspace_id', '=', ctx.workspaceId)
        .where('key', '=', key)
        .execute();
      const record = await insertPurposeVersion(trx, newRow, next.change, ctx.actor);
      await audit(trx, ctx, `purpose.${next.change}`, record, { fields: next.changed });
      return record;
    });
    cache.invalidate(ctx.workspaceId);
    return result;
  }

  return {
    async list(db, workspaceId) {
      return [...(await cache.get(db, workspaceId)).values()].sort((a, b) => a.key.localeCompare(b.key));
    },

    async find(db, workspaceId, key) {
      return (await cache.get(db, workspaceId)).get(key);
    },

    async getOrThrow(db, workspaceId, key) {
      const found = (await cache.get(db, workspaceId)).get(key);
      if (!found) throw new AppError('NOT_FOUND', { resource: 'purpose', key });
      return found;
    },

    async create(db, ctx, input) {
      if (!purposeKeyPattern.test(input.key)) {
        throw new AppError('VALIDATION_FAILED', {
          detail: 'key: lower-case letters, digits and underscores, starting with a letter',
          errors: [
            { path: '/key', message: 'lower-case letters, digits and underscores, starting with a letter' },
          ],
        });
      }
      const fields: PurposeFields = {
        name: input.name,
        description: input.description ?? '',
        lawfulBasis: input.lawfulBasis,
        art9Condition: input.art9Condition ?? null,
        legitimateInterestAssessment: input.legitimateInterestAssessment ?? null,
        requiredCategories: input.requiredCategories ?? [],
        optionalCategories: input.optionalCategories ?? [],
        retention: input.retention,
        recipients: input.recipients ?? [],
        // Private by default: a new purpose is off until someone turns it on.
        active: input.active ?? false,
        directMarketing: input.directMarketing ?? false,
        legalClaims: input.legalClaims ?? false,
      };
      assertPurposeValid(fields, await factsFor(db, ctx.workspaceId, fields));
      const now = deps.clock.now().toISOString();
      const record = await db
        .transaction()
        .execute(async (trx) => {
          const existing = await trx
            .selectFrom('purposes')
            .select('key')
            .where('workspace_id', '=', ctx.workspaceId)
            .where('key', '=', input.key)
            .executeTakeFirst();
          if (existing) throw new AppError('ALREADY_EXISTS', { resource: 'purpose', key: input.key });
          const row = toRow(ctx.workspaceId, input.key, 1, fields, now, now);
          await trx.insertInto('purposes').values(row).execute();
          const created = await insertPurposeVersion(trx, row, 'create', ctx.actor);
          await audit(trx, ctx, 'purpose.create', created);
          return created;
        })
        .catch((error: unknown) => {
          if (isUniqueViolation(error))
            throw new AppError('ALREADY_EXISTS', { resource: 'purpose', key: input.key });
          throw error;
        });
      cache.invalidate(ctx.workspaceId);
      return record;
    },

    update(db, ctx, key, patch) {
      return change(db, ctx, key, (current) => {
        const before = fieldsOf(current);
        const merged: PurposeFields = { ...before, ...stripUndefined(patch) };
        // 365 and 'P365D' are the same retention: compare what would be stored.
        const fields: PurposeFields = {
          ...merged,
          retention: normaliseRetention(merged.retention) ?? merged.retention,
        };
        const changed = (Object.keys(fields) as (keyof PurposeFields)[]).filter(
          (k) => JSON.stringify(fields[k]) !== JSON.stringify(before[k]),
        );
        return { fields, change: 'update', changed };
      });
    },

    setActive(db, ctx, key, active) {
      return change(db, ctx, key, (current) => ({
        fields: { ...fieldsOf(current), active },
        change: active ? 'activate' : 'deactivate',
        changed: current.active === active ? [] : ['active'],
      }));
    },

    async versions(db, workspaceId, key) {
      const rows = await db
        .selectFrom('purpose_versions')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', key)
        .orderBy('version', 'desc')
        .execute();
      if (rows.length === 0) throw new AppError('NOT_FOUND', { resource: 'purpose', key });
      return rows.map((r) => ({
        version: Number(r.version),
        change: r.change,
        changedAt: r.changed_at,
        actor: { type: r.actor_type as Actor['type'], id: r.actor_id },
        purpose: JSON.parse(r.snapshot) as PurposeRecord,
      }));
    },

    invalidate: cache.invalidate,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
