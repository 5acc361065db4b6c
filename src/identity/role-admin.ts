import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { RoleTable } from '../db/core-tables.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import { auditBase, type ActingContext, type IdentityDeps } from './identity-deps.ts';
import { builtinRoleKeys, type Permission } from './permissions.ts';
import type { RoleGrant } from './principal.ts';
import { toRoleGrant } from './role-grant.ts';

/** A role as the API shows it. */
export interface RoleView {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly builtin: boolean;
  readonly permissions: string[];
  readonly purposes: string[];
  readonly dataCategories: string[];
  readonly defaultPurpose: string | null;
  readonly requireMfa: boolean;
  readonly userCount: number;
}

/** What a role grants, as the no-escalation check compares it. */
export interface GrantShape {
  readonly permissions: readonly string[];
  readonly purposes: readonly string[];
  readonly dataCategories: readonly string[];
}

export interface RoleInput {
  readonly key: string;
  readonly name: string;
  readonly description?: string;
  readonly permissions: readonly Permission[];
  readonly purposes?: readonly string[];
  readonly dataCategories?: readonly string[];
  readonly defaultPurpose?: string | null;
  readonly requireMfa?: boolean;
}

export type RolePatch = Partial<Omit<RoleInput, 'key'>>;

function list(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function categoryCovered(held: readonly string[], category: string): boolean {
  return held.includes('*') || held.some((prefix) => category === prefix || category.startsWith(`${prefix}.`));
}

/**
 * What of `wanted` lies beyond `grant` (permissions, purposes, data categories), as a list of names; empty means the
 * grant covers it. A `null` grant (an operator at the command line) covers everything.
 *
 * @example
 * grantExcess(adminGrant, { permissions: ['keys:manage'], purposes: [], dataCategories: [] }); // ['keys:manage']
 */
export function grantExcess(grant: RoleGrant | null, wanted: GrantShape): string[] {
  if (!grant) return [];
  const excess: string[] = wanted.permissions.filter((p) => !grant.permissions.has(p as Permission));
  if (!grant.purposes.includes('*')) {
    excess.push(...wanted.purposes.filter((p) => !grant.purposes.includes(p)).map((p) => `purpose:${p}`));
  }
  excess.push(
    ...wanted.dataCategories.filter((c) => c === '*' ? !grant.dataCategories.includes('*') : !categoryCovered(grant.dataCategories, c))
      .map((c) => `category:${c}`),
  );
  return excess;
}

/** Throws `FORBIDDEN` when `wanted` grants more than the acting role holds (no privilege escalation). */
export function assertWithinGrant(grant: RoleGrant | null, wanted: GrantShape): void {
  const excess = grantExcess(grant, wanted);
  if (excess.length > 0) {
    throw new AppError('FORBIDDEN', { detail: 'You cannot grant more than your own role holds', beyond: excess });
  }
}

/** The grant shape of a stored role. */
export function shapeOf(row: Selectable<RoleTable>): GrantShape {
  return { permissions: list(row.permissions), purposes: list(row.purposes), dataCategories: list(row.data_categories) };
}

function toView(row: Selectable<RoleTable>, userCount: number): RoleView {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    builtin: row.builtin === 1,
    permissions: list(row.permissions),
    purposes: list(row.purposes),
    dataCategories: list(row.data_categories),
    defaultPurpose: row.default_purpose,
    requireMfa: row.require_mfa === 1,
    userCount,
  };
}

async function userCounts(db: Kysely<Database>, workspaceId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('users')
    .select(['role_id', db.fn.countAll<string | number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('role_id')
    .execute();
  return new Map(rows.map((r) => [r.role_id, Number(r.n)]));
}

/** Every role of a workspace, built-in first. */
export async function listRoles(db: Kysely<Database>, workspaceId: string): Promise<RoleView[]> {
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('builtin', 'desc')
    .orderBy('created_at')
    .orderBy('key')
    .execute();
  const counts = await userCounts(db, workspaceId);
  return rows.map((r) => toView(r, counts.get(r.id) ?? 0));
}

/** A role of the workspace by id, or `NOT_FOUND`. */
export async function getRoleOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Selectable<RoleTable>> {
  const row = await db.selectFrom('roles').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { resource: 'role' });
  return row;
}

/** A role of the workspace by key, or `UNPROCESSABLE` (the key came in a request body). */
export async function getRoleByKeyOrThrow(
  db: Kysely<Database>,
  workspaceId: string,
  key: string,
): Promise<Selectable<RoleTable>> {
  const row = await db.selectFrom('roles').selectAll().where('workspace_id', '=', workspaceId).where('key', '=', key).executeTakeFirst();
  if (!row) throw new AppError('UNPROCESSABLE', { detail: 'There is no role with this key', field: 'roleKey' });
  return row;
}

async function roleView(db: Kysely<Database>, row: Selectable<RoleTable>): Promise<RoleView> {
  const counts = await userCounts(db, row.workspace_id);
  return toView(row, counts.get(row.id) ?? 0);
}

function assertDefaultPurpose(purposes: readonly string[], defaultPurpose: string | null | undefined): void {
  if (defaultPurpose && !purposes.includes('*') && !purposes.includes(defaultPurpose)) {
    throw new AppError('UNPROCESSABLE', { detail: 'The default purpose must be one of the role’s purposes', field: 'defaultPurpose' });
  }
}

const unique = (values: readonly string[] | undefined) => [...new Set(values ?? [])];

/**
 * Creates a custom role. It may not grant more than the acting role holds; built-in keys are reserved.
 *
 * @example
 * const role = await createRole(deps, ctx, { key: 'analyst', name: 'Analyst', permissions: ['people:read'] });
 */
export async function createRole(deps: Pick<IdentityDeps, 'db' | 'clock'>, ctx: ActingContext, input: RoleInput): Promise<RoleView> {
  const shape = { permissions: unique(input.permissions), purposes: unique(input.purposes), dataCategories: unique(input.dataCategories) };
  assertWithinGrant(ctx.grant, shape);
  assertDefaultPurpose(shape.purposes, input.defaultPurpose);
  if ((builtinRoleKeys as readonly string[]).includes(input.key)) {
    throw new AppError('ALREADY_EXISTS', { detail: 'This key belongs to a built-in role', field: 'key' });
  }
  const { db, clock } = deps;
  const now = clock.now().toISOString();
  const id = randomUUID();
  await db.kysely.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('roles').select('id').where('workspace_id', '=', ctx.workspaceId).where('key', '=', input.key).executeTakeFirst();
    if (existing) throw new AppError('ALREADY_EXISTS', { detail: 'A role with this key exists', field: 'key' });
    await trx
      .insertInto('roles')
      .values({
        id,
        workspace_id: ctx.workspaceId,
        key: input.key,
        name: input.name,
        description: input.description ?? '',
        builtin: 0,
        permissions: JSON.stringify(shape.permissions),
        purposes: JSON.stringify(shape.purposes),
        data_categories: JSON.stringify(shape.dataCategories),
        default_purpose: input.defaultPurpose ?? null,
        require_mfa: input.requireMfa ? 1 : 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'role.create',
      outcome: 'allowed',
      resourceType: 'role',
      resourceId: id,
      details: { key: input.key, permissions: shape.permissions, requireMfa: input.requireMfa ?? false },
    });
  });
  return roleView(db.kysely, await getRoleOrThrow(db.kysely, ctx.workspaceId, id));
}

/**
 * Changes a role. Built-in roles only accept `requireMfa`. The acting role must cover the role as it is and as it
 * will be.
 */
export async function updateRole(
  deps: Pick<IdentityDeps, 'db' | 'clock'>,
  ctx: ActingContext,
  id: string,
  patch: RolePatch,
): Promise<RoleView> {
  const { db, clock } = deps;
  await db.kysely.transaction().execute(async (trx) => {
    const row = await getRoleOrThrow(trx, ctx.workspaceId, id);
    const fields = Object.keys(patch).filter((k) => patch[k as keyof RolePatch] !== undefined);
    if (row.builtin === 1 && fields.some((f) => f !== 'requireMfa')) {
      throw new AppError('CONFLICT', { detail: 'Built-in roles only allow changing requireMfa', fields });
    }
    assertWithinGrant(ctx.grant, shapeOf(row));
    const current = shapeOf(row);
    const next = {
      permissions: patch.permissions ? unique(patch.permissions) : current.permissions,
      purposes: patch.purposes ? unique(patch.purposes) : current.purposes,
      dataCategories: patch.dataCategories ? unique(patch.dataCategories) : current.dataCategories,
    };
    assertWithinGrant(ctx.grant, next);
    const defaultPurpose = patch.defaultPurpose !== undefined ? patch.defaultPurpose : row.default_purpose;
    assertDefaultPurpose(next.purposes, defaultPurpose);
    await trx
      .updateTable('roles')
      .set({
        name: patch.name ?? row.name,
        description: patch.description ?? row.description,
        permissions: JSON.stringify(next.permissions),
        purposes: JSON.stringify(next.purposes),
        data_categories: JSON.stringify(next.dataCategories),
        default_purpose: defaultPurpose,
        require_mfa: patch.requireMfa === undefined ? row.require_mfa : patch.requireMfa ? 1 : 0,
        updated_at: clock.now().toISOString(),
      })
      .where('id', '=', id)
      .where('workspace_id', '=', ctx.workspaceId)
      .execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'role.update',
      outcome: 'allowed',
      resourceType: 'role',
      resourceId: id,
      details: { key: row.key, fields, ...(patch.permissions ? { permissions: next.permissions } : {}) },
    });
  });
  return roleView(db.kysely, await getRoleOrThrow(db.kysely, ctx.workspaceId, id));
}

/** Deletes a custom role nobody holds (`CONFLICT` for built-in roles or a role held by users or tokens). */
export async function deleteRole(deps: Pick<IdentityDeps, 'db' | 'clock'>, ctx: ActingContext, id: string): Promise<void> {
  const { db, clock } = deps;
  await db.kysely.transaction().execute(async (trx) => {
    const row = await getRoleOrThrow(trx, ctx.workspaceId, id);
    if (row.builtin === 1) throw new AppError('CONFLICT', { detail: 'Built-in roles cannot be deleted' });
    assertWithinGrant(ctx.grant, shapeOf(row));
    const holder = await trx.selectFrom('users').select('id').where('role_id', '=', id).executeTakeFirst();
    const token = await trx.selectFrom('api_tokens').select('id').where('role_id', '=', id).executeTakeFirst();
    if (holder || token) throw new AppError('CONFLICT', { detail: 'Users or API tokens still hold this role' });
    await trx.deleteFrom('roles').where('id', '=', id).where('workspace_id', '=', ctx.workspaceId).execute();
    await appendAudit(trx, { dialect: db.dialect, clock }, {
      ...auditBase(ctx),
      action: 'role.delete',
      outcome: 'allowed',
      resourceType: 'role',
      resourceId: id,
      details: { key: row.key },
    });
  });
}

/** The grant of a stored role (re-exported for the token and user checks). */
export function grantOf(row: Selectable<RoleTable>): RoleGrant {
  return toRoleGrant(row);
}
