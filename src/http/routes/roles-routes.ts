import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { permissions } from '../../identity/permissions.ts';
import { createRole, deleteRole, listRoles, updateRole } from '../../identity/role-admin.ts';
import type { AppDeps } from '../app.ts';
import { actingFrom, IdParams } from './me-routes.ts';

export const Role = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: Type.String(),
  description: Type.String(),
  builtin: Type.Boolean(),
  permissions: Type.Array(Type.String()),
  purposes: Type.Array(Type.String()),
  dataCategories: Type.Array(Type.String()),
  defaultPurpose: Type.Union([Type.String(), Type.Null()]),
  requireMfa: Type.Boolean(),
  userCount: Type.Integer(),
});

const PermissionName = Type.Union(permissions.map((p) => Type.Literal(p)));
const PurposeKey = Type.String({ minLength: 1, maxLength: 64, pattern: '^(\\*|[a-z][a-z0-9_.-]*)$' });
const CategoryKey = Type.String({ minLength: 1, maxLength: 128, pattern: '^(\\*|[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*)$' });
const roleFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.String({ maxLength: 500 }),
  permissions: Type.Array(PermissionName, { maxItems: 200, uniqueItems: true }),
  purposes: Type.Array(PurposeKey, { maxItems: 100, uniqueItems: true }),
  dataCategories: Type.Array(CategoryKey, { maxItems: 200, uniqueItems: true }),
  defaultPurpose: Type.Union([Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_.-]*$' }), Type.Null()]),
  requireMfa: Type.Boolean(),
};

/** Roles and the permission list. */
export function rolesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['roles'];

    app.get(
      '/api/v1/roles',
      { config: { access: 'roles:read' }, schema: { tags, summary: 'Every role', response: { 200: Type.Object({ items: Type.Array(Role) }) } } },
      async (request) => ({ items: await listRoles(deps.db.kysely, actingFrom(request).workspaceId) }),
    );

    app.post(
      '/api/v1/roles',
      {
        config: { access: 'roles:write' },
        schema: {
          tags,
          summary: 'Create a custom role (no more than your own role holds)',
          body: Type.Object(
            {
              key: Type.String({ minLength: 2, maxLength: 40, pattern: '^[a-z][a-z0-9_]*$' }),
              name: roleFields.name,
              description: Type.Optional(roleFields.description),
              permissions: roleFields.permissions,
              purposes: Type.Optional(roleFields.purposes),
              dataCategories: Type.Optional(roleFields.dataCategories),
              defaultPurpose: Type.Optional(roleFields.defaultPurpose),
              requireMfa: Type.Optional(roleFields.requireMfa),
            },
            { additionalProperties: false },
          ),
          response: { 201: Role },
        },
      },
      async (request, reply) => reply.code(201).send(await createRole(deps, actingFrom(request), request.body)),
    );

    app.patch(
      '/api/v1/roles/:id',
      {
        config: { access: 'roles:write' },
        schema: {
          tags,
          summary: 'Change a role (built-in roles: only requireMfa)',
          params: IdParams,
          body: Type.Partial(Type.Object(roleFields), { additionalProperties: false, minProperties: 1 }),
          response: { 200: Role },
        },
      },
      async (request) => updateRole(deps, actingFrom(request), request.params.id, request.body),
    );

    app.delete(
      '/api/v1/roles/:id',
      {
        config: { access: 'roles:write' },
        schema: { tags, summary: 'Delete a custom role nobody holds', params: IdParams, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        await deleteRole(deps, actingFrom(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/permissions',
      {
        config: { access: 'roles:read' },
        schema: { tags, summary: 'Every permission a role can hold', response: { 200: Type.Object({ items: Type.Array(Type.String()) }) } },
      },
      async () => ({ items: [...permissions] }),
    );
  };
}
