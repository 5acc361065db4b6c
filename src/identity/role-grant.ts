import type { Selectable } from 'kysely';
import type { RoleTable } from '../db/core-tables.ts';
import { isPermission, type Permission } from './permissions.ts';
import type { RoleGrant } from './principal.ts';

function parseList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Turns a stored role row into the grant the pipeline checks. Unknown permission strings are ignored. */
export function toRoleGrant(row: Selectable<RoleTable>): RoleGrant {
  return {
    id: row.id,
    key: row.key,
    permissions: new Set(parseList(row.permissions).filter(isPermission)) as ReadonlySet<Permission>,
    purposes: parseList(row.purposes),
    dataCategories: parseList(row.data_categories),
    defaultPurpose: row.default_purpose,
    requireMfa: row.require_mfa === 1,
  };
}
