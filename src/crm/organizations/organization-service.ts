import { detachRecord } from '../activities/detach-record.ts';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../kernel/clock.ts';
import { isUniqueViolation } from '../../kernel/purposes/unique-violation.ts';
import { decodeListCursor, encodeListCursor } from './list-cursor.ts';
import { nameKey, normaliseCountry, normaliseDomain, type OrganizationSizeBand } from './organization-input.ts';

/** A postal address of an organization; every part optional. */
export interface OrganizationAddress {
  readonly street: string | null;
  readonly city: string | null;
  readonly postalCode: string | null;
  readonly region: string | null;
  /** ISO 3166-1 alpha-2. */
  readonly country: string | null;
}

/** An organization as the API shows it. */
export interface OrganizationView {
  readonly id: string;
  readonly name: string;
  readonly domain: string | null;
  readonly industry: string | null;
  readonly sizeBand: OrganizationSizeBand | null;
  readonly address: OrganizationAddress;
  readonly ownerUserId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** Values of a create; on an update every field is optional and null clears it (except the name). */
export interface OrganizationInput {
  readonly name: string;
  readonly domain?: string | null | undefined;
  readonly industry?: string | null | undefined;
  readonly sizeBand?: OrganizationSizeBand | null | undefined;
  readonly address?: Partial<OrganizationAddress> | undefined;
  readonly ownerUserId?: string | null | undefined;
}
export type OrganizationPatch = Partial<Omit<OrganizationInput, 'name'>> & { readonly name?: string | undefined };

export const organizationSorts = ['name', '-name', 'createdAt', '-createdAt'] as const;
export type OrganizationSort = (typeof organizationSorts)[number];

export interface OrganizationListQuery {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly sort?: OrganizationSort | undefined;
  /** Name prefix, case-insensitive. */
  readonly q?: string | undefined;
  readonly ownerUserId?: string | undefined;
  readonly industry?: string | undefined;
  readonly sizeBand?: OrganizationSizeBand | undefined;
  readonly country?: string | undefined;
}

export interface OrganizationService {
  create(workspaceId: string, input: OrganizationInput): Promise<OrganizationView>;
  /** `NOT_FOUND` for an unknown id or another workspace's. */
  getOrThrow(workspaceId: string, id: string): Promise<OrganizationView>;
  /** `PRECONDITION_FAILED` when `expectedVersion` is stale; `ALREADY_EXISTS` when the domain belongs to another. */
  update(workspaceId: string, id: string, expectedVersion: number, patch: OrganizationPatch): Promise<OrganizationView>;
  list(workspaceId: string, query: OrganizationListQuery): Promise<{ items: OrganizationView[]; nextCursor: string | null }>;
  /** Refuses (409 `CONFLICT`, with counts) while deals or people are linked: see ADR 0017. */
  remove(workspaceId: string, id: string): Promise<void>;
}

type Row = Database['organizations'];

function viewOf(row: Row): OrganizationView {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    industry: row.industry,
    sizeBand: row.size_band as OrganizationSizeBand | null,
    address: { street: row.street, city: row.city, postalCode: row.postal_code, region: row.region, country: row.country },
    ownerUserId: row.owner_user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

const blankToNull = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());

/** Column values of the fields present in `input` (validated and normalised). */
async function columnsOf(db: Kysely<Database>, workspaceId: string, input: OrganizationPatch): Promise<Partial<Row>> {
  const out: Partial<Row> = {};
  if (input.name !== undefined) {
    out.name = input.name.trim();
    out.name_key = nameKey(input.name);
  }
  if (input.domain !== undefined) out.domain = input.domain === null || input.domain.trim() === '' ? null : normaliseDomain(input.domain);
  const industry = blankToNull(input.industry);
  if (industry !== undefined) out.industry = industry;
  if (input.sizeBand !== undefined) out.size_band = input.sizeBand;
  const a = input.address;
  if (a) {
    const street = blankToNull(a.street);
    const city = blankToNull(a.city);
    const postal = blankToNull(a.postalCode);
    const region = blankToNull(a.region);
    if (street !== undefined) out.street = street;
    if (city !== undefined) out.city = city;
    if (postal !== undefined) out.postal_code = postal;
    if (region !== undefined) out.region = region;
    if (a.country !== undefined) out.country = a.country === null || a.country.trim() === '' ? null : normaliseCountry(a.country);
  }
  if (input.ownerUserId !== undefined) {
    if (input.ownerUserId !== null) await assertWorkspaceUser(db, workspaceId, input.ownerUserId, '/ownerUserId');
    out.owner_user_id = input.ownerUserId;
  }
  return out;
}

/**
 * Throws `VALIDATION_FAILED` (naming `path`) unless the user belongs to the workspace.
 *
 * @example
 * await assertWorkspaceUser(db, workspaceId, body.ownerUserId, '/ownerUserId');
 */
export async function assertWorkspaceUser(db: Kysely<Database>, workspaceId: string, userId: string, path: string): Promise<void> {
  const user = await db.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).where('id', '=', userId).executeTakeFirst();
  if (!user) throw new AppError('VALIDATION_FAILED', { detail: 'The owner is not a user of this workspace', errors: [{ path, message: 'unknown user' }] });
}

const domainTaken = () =>
  new AppError('ALREADY_EXISTS', { detail: 'Another organization has this domain', errors: [{ path: '/domain', message: 'already used' }] });

/**
 * Organizations: plain business data, scoped by workspace.
 *
 * @example
 * const organizations = createOrganizationService({ db, clock });
 * const acme = await organizations.create(workspaceId, { name: 'Acme', domain: 'https://www.acme.example' });
 * acme.domain; // 'acme.example'
 */
export function createOrganizationService(deps: { readonly db: Db; readonly clock: Clock }): OrganizationService {
  const kysely = deps.db.kysely;
  const findRow = (db: Kysely<Database>, workspaceId: string, id: string) =>
    db.selectFrom('organizations').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();

  return {
    async create(workspaceId, input) {
      const columns = await columnsOf(kysely, workspaceId, input);
      const now = deps.clock.now().toISOString();
      const row: Row = {
        id: randomUUID(),
        workspace_id: workspaceId,
        name: columns.name ?? '',
        name_key: columns.name_key ?? '',
        domain: columns.domain ?? null,
        industry: columns.industry ?? null,
        size_band: columns.size_band ?? null,
        street: columns.street ?? null,
        city: columns.city ?? null,
        postal_code: columns.postal_code ?? null,
        region: columns.region ?? null,
        country: columns.country ?? null,
        owner_user_id: columns.owner_user_id ?? null,
        created_at: now,
        updated_at: now,
        version: 1,
      };
      try {
        await kysely.insertInto('organizations').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw domainTaken();
        throw error;
      }
      return viewOf(row);
    },

    async getOrThrow(workspaceId, id) {
      const row = await findRow(kysely, workspaceId, id);
      if (!row) throw new AppError('NOT_FOUND', { resource: 'organization' });
      return viewOf(row);
    },

    async update(workspaceId, id, expectedVersion, patch) {
      const columns = await columnsOf(kysely, workspaceId, patch);
      try {
        return await kysely.transaction().execute(async (trx) => {
          const row = await forUpdate(trx.selectFrom('organizations').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id), deps.db.dialect).executeTakeFirst();
          if (!row) throw new AppError('NOT_FOUND', { resource: 'organization' });
          if (row.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { detail: 'The organization changed since you read it', version: row.version });
          const next: Row = { ...row, ...columns, updated_at: deps.clock.now().toISOString(), version: row.version + 1 };
          await trx.updateTable('organizations').set({ ...columns, updated_at: next.updated_at, version: next.version }).where('id', '=', id).execute();
          return viewOf(next);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw domainTaken();
        throw error;
      }
    },

    async list(workspaceId, query) {
      const sort = query.sort ?? 'name';
      const desc = sort.startsWith('-');
      const column = sort.endsWith('name') ? ('name_key' as const) : ('created_at' as const);
      let q = kysely.selectFrom('organizations').selectAll().where('workspace_id', '=', workspaceId);
      if (query.q) {
        const prefix = nameKey(query.q).replace(/[\\%_]/g, (c) => `\\${c}`);
        q = q.where(sql<boolean>`name_key like ${`${prefix}%`} escape '\\'`);
      }
      if (query.ownerUserId) q = q.where('owner_user_id', '=', query.ownerUserId);
      if (query.industry) q = q.where('industry', '=', query.industry);
      if (query.sizeBand) q = q.where('size_band', '=', query.sizeBand);
      if (query.country) q = q.where('country', '=', query.country.toUpperCase());
      if (query.cursor) {
        const [value, after] = decodeListCursor(query.cursor);
        const op = desc ? '<' : '>';
        q = q.where((eb) => eb.or([eb(column, op, String(value)), eb.and([eb(column, '=', String(value)), eb('id', op, after)])]));
      }
      const rows = await q
        .orderBy(column, desc ? 'desc' : 'asc')
        .orderBy('id', desc ? 'desc' : 'asc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(viewOf),
        nextCursor: rows.length > query.limit && last ? encodeListCursor([last[column], last.id]) : null,
      };
    },

    async remove(workspaceId, id) {
      await kysely.transaction().execute(async (trx) => {
        const row = await forUpdate(trx.selectFrom('organizations').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id), deps.db.dialect).executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', { resource: 'organization' });
        const deals = await trx.selectFrom('deals').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).where('organization_id', '=', id).executeTakeFirstOrThrow();
        // persons.organization_id belongs to the people area (migration 0020); only the count is read here.
        const people = await sql<{ n: number }>`select count(*) as n from persons where workspace_id = ${workspaceId} and organization_id = ${id} and erased_at is null`.execute(trx);
        const dealCount = Number(deals.n);
        const personCount = Number(people.rows[0]?.n ?? 0);
        if (dealCount > 0 || personCount > 0) {
          throw new AppError('CONFLICT', {
            detail: 'Move or unlink the organization’s deals and people before deleting it',
            deals: dealCount,
            people: personCount,
          });
        }
        await detachRecord(trx, workspaceId, 'organization', id);
        await trx.deleteFrom('organizations').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
      });
    },
  };
}
