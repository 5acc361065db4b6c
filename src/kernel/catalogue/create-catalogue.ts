import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import type { CategoryFacts } from '../gate/decide-processing.ts';
import type { ActorContext } from '../gate/processing-context.ts';
import { createWorkspaceCache } from '../gate/workspace-cache.ts';
import {
  categoryKeyPattern,
  identifierPattern,
  type DataCategory,
  type DeclaredAttribute,
  type SourceType,
} from './catalogue-types.ts';
import { isUniqueViolation } from '../purposes/unique-violation.ts';
import { normaliseRetention } from './retention.ts';
import { canonicalCategoryKey, defaultTaxonomy, parentCategoryKey } from './taxonomy.ts';

export interface CatalogueDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  /** How long another process's change may go unseen (default 2 s); local changes are seen at once. */
  readonly cacheTtlMs?: number;
}

export interface NewCategory {
  readonly key: string;
  readonly name: string;
  readonly description?: string;
  readonly special?: boolean;
  readonly criminal?: boolean;
}

export interface NewAttribute {
  readonly entity: string;
  readonly attribute: string;
  readonly category: string;
  readonly special?: boolean;
  readonly source: SourceType;
  /** ISO 8601 duration or a number of days. */
  readonly retention: string | number;
  readonly searchable?: boolean;
  readonly description?: string;
}

/** The data catalogue of a workspace: categories (default taxonomy + its own) and declared attributes. */
export interface Catalogue {
  listCategories(db: Kysely<Database>, workspaceId: string): Promise<DataCategory[]>;
  /** Flags of each key (deprecated keys read as their replacement); unknown keys throw `UNDECLARED_DATA`. */
  categoryFacts(db: Kysely<Database>, workspaceId: string, keys: readonly string[]): Promise<CategoryFacts[]>;
  createCategory(db: Kysely<Database>, ctx: ActorContext, input: NewCategory): Promise<DataCategory>;
  listAttributes(db: Kysely<Database>, workspaceId: string, entity?: string): Promise<DeclaredAttribute[]>;
  declareAttribute(db: Kysely<Database>, ctx: ActorContext, input: NewAttribute): Promise<DeclaredAttribute>;
  /** The declarations of `attributes` of `entity`; throws `UNDECLARED_DATA` naming the undeclared ones. */
  assertDeclared(
    db: Kysely<Database>,
    workspaceId: string,
    entity: string,
    attributes: readonly string[],
  ): Promise<DeclaredAttribute[]>;
  invalidate(workspaceId: string): void;
}

interface Snapshot {
  readonly categories: ReadonlyMap<string, DataCategory>;
  readonly attributes: ReadonlyMap<string, DeclaredAttribute>;
}

function fieldError(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', {
    detail: `${path.slice(1)}: ${message}`,
    errors: [{ path, message }],
  });
}

async function loadSnapshot(db: Kysely<Database>, workspaceId: string): Promise<Snapshot> {
  const own = await db
    .selectFrom('catalogue_categories')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .execute();
  const attributeRows = await db
    .selectFrom('catalogue_attributes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .execute();
  const raw = new Map<string, DataCategory>();
  for (const c of defaultTaxonomy) {
    raw.set(c.key, { ...c, description: '', builtin: true, replacedBy: c.replacedBy ?? null });
  }
  for (const c of own) {
    raw.set(c.key, {
      key: c.key,
      name: c.name,
      description: c.description,
      special: c.special === 1,
      criminal: c.criminal === 1,
      builtin: false,
      replacedBy: null,
    });
  }
  // Flags flow down the tree: a child of a special category is special.
  const categories = new Map<string, DataCategory>();
  const sorted = [...raw.values()].sort((a, b) => a.key.split('.').length - b.key.split('.').length);
  for (const c of sorted) {
    const parentKey = parentCategoryKey(c.key);
    const parent = parentKey ? categories.get(parentKey) : undefined;
    categories.set(c.key, {
      ...c,
      special: c.special || (parent?.special ?? false),
      criminal: c.criminal || (parent?.criminal ?? false),
    });
  }
  const attributes = new Map<string, DeclaredAttribute>();
  for (const a of attributeRows) {
    attributes.set(`${a.entity}.${a.attribute}`, {
      entity: a.entity,
      attribute: a.attribute,
      category: a.category,
      special: a.special === 1,
      source: a.source as SourceType,
      retention: a.retention,
      searchable: a.searchable === 1,
      builtin: a.builtin === 1,
      description: a.description,
    });
  }
  return { categories, attributes };
}

/**
 * The catalogue service (ARCHITECTURE invariant 1: declared before stored). Reads are cached per workspace and
 * invalidated on every change made through it.
 *
 * @example
 * const catalogue = createCatalogue({ dialect: db.dialect, clock });
 * const declared = await catalogue.assertDeclared(trx, workspaceId, 'person', ['email', 'phone']);
 * declared.map((a) => a.category); // ['user.contact.email', 'user.contact.phone_number']
 */
export function createCatalogue(deps: CatalogueDeps): Catalogue {
  const cache = createWorkspaceCache<Kysely<Database>, Snapshot>(loadSnapshot, {
    ttlMs: deps.cacheTtlMs ?? 2000,
    now: () => deps.clock.now().getTime(),
  });

  return {
    async listCategories(db, workspaceId) {
      const snap = await cache.get(db, workspaceId);
      return [...snap.categories.values()].sort((a, b) => a.key.localeCompare(b.key));
    },

    async categoryFacts(db, workspaceId, keys) {
      const snap = await cache.get(db, workspaceId);
      const unknown: string[] = [];
      const facts: CategoryFacts[] = [];
      for (const key of new Set(keys)) {
        const canonical = canonicalCategoryKey(key);
        const found = snap.categories.get(canonical);
        if (!found) unknown.push(key);
        else facts.push({ key: canonical, special: found.special, criminal: found.criminal });
      }
      if (unknown.length > 0) {
        throw new AppError('UNDECLARED_DATA', { detail: 'Unknown data categories', categories: unknown });
      }
      return facts;
    },

    async createCategory(db, ctx, input) {
      if (!new RegExp(categoryKeyPattern).test(input.key) || input.key.length > 128) {
        throw fieldError('/key', 'a dotted lower-case key such as user.loyalty.tier');
      }
      const snap = await cache.get(db, ctx.workspaceId);
      if (snap.categories.has(input.key))
        throw new AppError('ALREADY_EXISTS', { resource: 'category', key: input.key });
      const parentKey = parentCategoryKey(input.key);
      const parent = parentKey ? snap.categories.get(parentKey) : undefined;
      if (!parent) throw fieldError('/key', 'the parent category does not exist');
      if (parent.replacedBy) throw fieldError('/key', 'the parent category is deprecated');
      const now = deps.clock.now().toISOString();
      await db
        .transaction()
        .execute(async (trx) => {
          await trx
            .insertInto('catalogue_categories')
            .values({
              workspace_id: ctx.workspaceId,
              key: input.key,
              name: input.name,
              description: input.description ?? '',
              special: input.special || parent.special ? 1 : 0,
              criminal: input.criminal || parent.criminal ? 1 : 0,
              created_at: now,
            })
            .execute();
          await appendAudit(trx, deps, {
            workspaceId: ctx.workspaceId,
            actor: ctx.actor,
            action: 'catalogue.category.create',
            outcome: 'allowed',
            resourceType: 'data_category',
            resourceId: input.key,
            requestId: ctx.requestId ?? null,
            ip: ctx.ip ?? null,
          });
        })
        .catch((error: unknown) => {
          if (isUniqueViolation(error))
            throw new AppError('ALREADY_EXISTS', { resource: 'category', key: input.key });
          throw error;
        });
      cache.invalidate(ctx.workspaceId);
      const created = (await cache.get(db, ctx.workspaceId)).categories.get(input.key);
      if (!created) throw new AppError('INTERNAL');
      return created;
    },

    async listAttributes(db, workspaceId, entity) {
      const snap = await cache.get(db, workspaceId);
      return [...snap.attributes.values()]
        .filter((a) => entity === undefined || a.entity === entity)
        .sort((a, b) => `${a.entity}.${a.attribute}`.localeCompare(`${b.entity}.${b.attribute}`));
    },

    async declareAttribute(db, ctx, input) {
      for (const field of ['entity', 'attribute'] as const) {
        if (!new RegExp(identifierPattern).test(input[field]))
          throw fieldError(`/${field}`, 'not a valid identifier');
      }
      const snap = await cache.get(db, ctx.workspaceId);
      if (snap.attributes.has(`${input.entity}.${input.attribute}`)) {
        throw new AppError('ALREADY_EXISTS', {
          resource: 'attribute',
          entity: input.entity,
          attribute: input.attribute,
        });
      }
      const categoryKey = canonicalCategoryKey(input.category);
      const category = snap.categories.get(categoryKey);
      if (!category) throw fieldError('/category', 'unknown data category');
      const retention = normaliseRetention(input.retention);
      if (!retention)
        throw fieldError('/retention', 'must be an ISO 8601 duration such as P2Y or a number of days');
      const now = deps.clock.now().toISOString();
      await db
        .transaction()
        .execute(async (trx) => {
          await trx
            .insertInto('catalogue_attributes')
            .values({
              workspace_id: ctx.workspaceId,
              entity: input.entity,
              attribute: input.attribute,
              category: categoryKey,
              special: input.special || category.special ? 1 : 0,
              source: input.source,
              retention,
              searchable: input.searchable ? 1 : 0,
              builtin: 0,
              description: input.description ?? '',
              created_at: now,
              updated_at: now,
            })
            .execute();
          await appendAudit(trx, deps, {
            workspaceId: ctx.workspaceId,
            actor: ctx.actor,
            action: 'catalogue.attribute.declare',
            outcome: 'allowed',
            resourceType: 'attribute',
            resourceId: `${input.entity}.${input.attribute}`,
            requestId: ctx.requestId ?? null,
            ip: ctx.ip ?? null,
            details: { category: categoryKey },
          });
        })
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) {
            throw new AppError('ALREADY_EXISTS', {
              resource: 'attribute',
              entity: input.entity,
              attribute: input.attribute,
            });
          }
          throw error;
        });
      cache.invalidate(ctx.workspaceId);
      const created = (await cache.get(db, ctx.workspaceId)).attributes.get(
        `${input.entity}.${input.attribute}`,
      );
      if (!created) throw new AppError('INTERNAL');
      return created;
    },

    async assertDeclared(db, workspaceId, entity, attributes) {
      const snap = await cache.get(db, workspaceId);
      const found: DeclaredAttribute[] = [];
      const missing: string[] = [];
      for (const name of attributes) {
        const declared = snap.attributes.get(`${entity}.${name}`);
        if (declared) found.push(declared);
        else missing.push(name);
      }
      if (missing.length > 0) {
        throw new AppError('UNDECLARED_DATA', {
          detail: `Undeclared ${entity} attributes`,
          entity,
          fields: missing,
        });
      }
      return found;
    },

    invalidate: cache.invalidate,
  };
}
