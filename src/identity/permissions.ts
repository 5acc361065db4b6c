/**
 * The permission model: deny by default. A permission is `resource:action`; a role holds a list of them.
 * Purposes and data categories a role may process are held beside (see the privacy kernel's gate).
 *
 * Every route declares the permission it needs in `config.permission` (see `src/http/route-access.ts`).
 */
export const permissions = [
  'users:read',
  'users:write',
  'roles:read',
  'roles:write',
  'tokens:manage',
  'audit:read',
  'settings:read',
  'settings:write',
  'catalogue:read',
  'catalogue:write',
  'purposes:read',
  'purposes:write',
  'people:read',
  'people:write',
  'people:erase',
  'people:export',
  'privacy:read',
  'privacy:write',
  'keys:manage',
  'crm:read',
  'crm:write',
  'crm:configure',
  'people:import',
  'governance:read',
  'governance:write',
  'requests:read',
  'requests:write',
  'retention:read',
  'retention:write',
  'webhooks:manage',
  'monitoring:read',
  'monitoring:write',
  'compliance:read',
  'compliance:run',
] as const;

export type Permission = (typeof permissions)[number];

export function isPermission(value: string): value is Permission {
  return (permissions as readonly string[]).includes(value);
}

export const builtinRoleKeys = [
  'owner',
  'admin',
  'privacy_officer',
  'sales',
  'marketing',
  'support',
  'auditor',
] as const;

export type BuiltinRoleKey = (typeof builtinRoleKeys)[number];

export interface BuiltinRole {
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly Permission[];
  /** Purpose keys (or `*`) this role may process personal data for. */
  readonly purposes: readonly string[];
  /** Data-category key prefixes (or `*`) this role may touch. */
  readonly dataCategories: readonly string[];
  readonly defaultPurpose: string | null;
  readonly requireMfa: boolean;
}

const all = [...permissions];
const readOnly = permissions.filter((p) => p.endsWith(':read'));
const crmCategories = [
  'user.name',
  'user.contact',
  'user.job_title',
  'user.workplace',
  'user.professional_information',
  'user.unique_id',
  'user.content.private',
];

/** The seven built-in roles, least privilege first for each job. */
export const builtinRoles: Record<BuiltinRoleKey, BuiltinRole> = {
  owner: {
    name: 'Owner',
    description: 'Everything, including keys and other owners.',
    permissions: all,
    purposes: ['*'],
    dataCategories: ['*'],
    defaultPurpose: 'crm',
    requireMfa: false,
  },
  admin: {
    name: 'Administrator',
    description: 'Users, roles, tokens and settings; no personal data beyond the CRM defaults.',
    permissions: all.filter((p) => p !== 'keys:manage' && p !== 'people:erase' && p !== 'people:export'),
    purposes: ['crm', 'sales', 'support'],
    dataCategories: crmCategories,
    defaultPurpose: 'crm',
    requireMfa: false,
  },
  privacy_officer: {
    name: 'Privacy officer',
    description: 'Purposes, catalogue, requests, erasure, audit; sees every category for compliance work.',
    permissions: [
      'users:read',
      'roles:read',
      'audit:read',
      'settings:read',
      'catalogue:read',
      'catalogue:write',
      'purposes:read',
      'purposes:write',
      'people:read',
      'people:write',
      'people:erase',
      'people:export',
      'privacy:read',
      'privacy:write',
      'crm:read',
      'governance:read',
      'governance:write',
      'requests:read',
      'requests:write',
      'retention:read',
      'retention:write',
      'webhooks:manage',
      'monitoring:read',
      'monitoring:write',
      'compliance:read',
      'compliance:run',
    ],
    purposes: ['*'],
    dataCategories: ['*'],
    defaultPurpose: 'crm',
    requireMfa: false,
  },
  sales: {
    name: 'Sales',
    description: 'Contacts and deals under customer-relationship and sales purposes; no special categories.',
    permissions: ['catalogue:read', 'purposes:read', 'people:read', 'people:write', 'people:import', 'people:export', 'crm:read', 'crm:write'],
    purposes: ['crm', 'sales'],
    dataCategories: crmCategories,
    defaultPurpose: 'crm',
    requireMfa: false,
  },
  marketing: {
    name: 'Marketing',
    description: 'Works only under marketing purposes, with contact data.',
    permissions: ['catalogue:read', 'purposes:read', 'people:read', 'crm:read'],
    purposes: ['email_marketing'],
    dataCategories: ['user.name', 'user.contact.email'],
    defaultPurpose: 'email_marketing',
    requireMfa: false,
  },
  support: {
    name: 'Support',
    description: 'Reads and updates contacts under the support purpose.',
    permissions: ['catalogue:read', 'purposes:read', 'people:read', 'people:write', 'crm:read', 'crm:write'],
    purposes: ['support'],
    dataCategories: ['user.name', 'user.contact', 'user.content.private'],
    defaultPurpose: 'support',
    requireMfa: false,
  },
  auditor: {
    name: 'Auditor',
    description: 'Read-only access to configuration and the audit log; no personal data.',
    permissions: readOnly.filter((p) => p !== 'people:read'),
    purposes: [],
    dataCategories: [],
    defaultPurpose: null,
    requireMfa: false,
  },
};
