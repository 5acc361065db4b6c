import { daysBefore, jsonArray, type CheckContext, type ComplianceCheck } from '../compliance-check.ts';
import { specialCategoryTest } from '../special-categories.ts';

/** Permissions that make an account privileged (keys, erasure, roles, users, exports). */
const privileged = ['keys:manage', 'people:erase', 'people:export', 'roles:write', 'users:write'];

async function activeUsers(ctx: CheckContext) {
  return ctx.db
    .selectFrom('users as u')
    .innerJoin('roles as r', (j) =>
      j.onRef('r.id', '=', 'u.role_id').onRef('r.workspace_id', '=', 'u.workspace_id'),
    )
    .select([
      'u.id',
      'u.mfa_enabled',
      'u.last_sign_in_at',
      'u.created_at',
      'r.key as role_key',
      'r.require_mfa',
      'r.permissions',
    ])
    .where('u.workspace_id', '=', ctx.workspaceId)
    .where('u.disabled', '=', 0)
    .orderBy('u.id')
    .execute();
}

async function liveTokens(ctx: CheckContext) {
  const now = ctx.now.toISOString();
  return ctx.db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', (j) =>
      j.onRef('u.id', '=', 't.user_id').onRef('u.workspace_id', '=', 't.workspace_id'),
    )
    .select(['t.id', 't.created_at', 't.expires_at', 't.last_used_at', 'u.disabled', 'u.id as user_id'])
    .where('t.workspace_id', '=', ctx.workspaceId)
    .where('t.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
    .orderBy('t.id')
    .execute();
}

/** Checks over staff accounts, roles and API tokens (Art. 5(1)(f), 25, 32). */
export const identityChecks: readonly ComplianceCheck[] = [
  {
    key: 'identity.mfa-missing',
    group: 'identity',
    title: 'A user of a role that requires MFA has not enrolled a second factor',
    severity: 'high',
    reference: 'GDPR Art. 32(1)(b)',
    fixLink: '/users',
    async run(ctx) {
      return (await activeUsers(ctx))
        .filter((u) => u.require_mfa === 1 && u.mfa_enabled !== 1)
        .map((u) => ({ subject: `user:${u.id}`, evidence: { userId: u.id, role: u.role_key } }));
    },
  },
  {
    key: 'identity.privileged-without-mfa',
    group: 'identity',
    title: 'A privileged account (keys, erasure, exports, users or roles) signs in without a second factor',
    severity: 'high',
    reference: 'GDPR Art. 32(1)(b); ENISA guidance',
    fixLink: '/roles',
    async run(ctx) {
      return (await activeUsers(ctx))
        .filter(
          (u) =>
            u.require_mfa !== 1 &&
            u.mfa_enabled !== 1 &&
            jsonArray(u.permissions).some((p) => privileged.includes(p)),
        )
        .map((u) => ({ subject: `user:${u.id}`, evidence: { userId: u.id, role: u.role_key } }));
    },
  },
  {
    key: 'identity.broad-special-access',
    group: 'identity',
    title: 'A role other than owner or privacy officer may touch special-category data',
    severity: 'medium',
    reference: 'GDPR Art. 9, 25(2), 32(4)',
    fixLink: '/roles',
    async run(ctx) {
      const [roles, touchesSpecial] = await Promise.all([
        ctx.db
          .selectFrom('roles')
          .select(['id', 'key', 'data_categories'])
          .where('workspace_id', '=', ctx.workspaceId)
          .orderBy('key')
          .execute(),
        specialCategoryTest(ctx.db, ctx.workspaceId),
      ]);
      return roles
        .filter((r) => r.key !== 'owner' && r.key !== 'privacy_officer')
        .flatMap((r) => {
          const special = jsonArray(r.data_categories).filter(touchesSpecial);
          return special.length > 0
            ? [{ subject: `role:${r.key}`, evidence: { roleId: r.id, role: r.key, categories: special } }]
            : [];
        });
    },
  },
  {
    key: 'identity.stale-api-token',
    group: 'identity',
    title: 'A live API token has not been used for 90 days',
    severity: 'medium',
    reference: 'GDPR Art. 32(1)(b) (access control hygiene)',
    fixLink: '/settings',
    async run(ctx) {
      const cutoff = daysBefore(ctx.now, 90);
      return (await liveTokens(ctx))
        .filter((t) => (t.last_used_at ?? t.created_at) < cutoff)
        .map((t) => ({
          subject: `token:${t.id}`,
          evidence: { tokenId: t.id, lastUsedAt: t.last_used_at, createdAt: t.created_at },
        }));
    },
  },
  {
    key: 'identity.token-without-expiry',
    group: 'identity',
    title: 'A live API token never expires',
    severity: 'low',
    reference: 'GDPR Art. 32(1)(b)',
    fixLink: '/settings',
    async run(ctx) {
      return (await liveTokens(ctx))
        .filter((t) => t.expires_at === null)
        .map((t) => ({ subject: `token:${t.id}`, evidence: { tokenId: t.id } }));
    },
  },
  {
    key: 'identity.disabled-user-token',
    group: 'identity',
    title: 'A disabled user still holds a live API token',
    severity: 'high',
    reference: 'GDPR Art. 32(1)(b)',
    fixLink: '/users',
    async run(ctx) {
      return (await liveTokens(ctx))
        .filter((t) => t.disabled === 1)
        .map((t) => ({ subject: `token:${t.id}`, evidence: { tokenId: t.id, userId: t.user_id } }));
    },
  },
  {
    key: 'identity.dormant-user',
    group: 'identity',
    title: 'An enabled user has not signed in for 180 days',
    severity: 'low',
    reference: 'GDPR Art. 5(1)(f), 32',
    fixLink: '/users',
    async run(ctx) {
      const cutoff = daysBefore(ctx.now, 180);
      return (await activeUsers(ctx))
        .filter((u) => (u.last_sign_in_at ?? u.created_at) < cutoff)
        .map((u) => ({
          subject: `user:${u.id}`,
          evidence: { userId: u.id, lastSignInAt: u.last_sign_in_at },
        }));
    },
  },
  {
    key: 'identity.too-many-owners',
    group: 'identity',
    title: 'More than three enabled users hold the owner role',
    severity: 'low',
    reference: 'GDPR Art. 25(2) (least privilege)',
    fixLink: '/users',
    async run(ctx) {
      const owners = (await activeUsers(ctx)).filter((u) => u.role_key === 'owner');
      return owners.length > 3 ? [{ subject: 'role:owner', evidence: { owners: owners.length } }] : [];
    },
  },
];
