import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { passwordMaxLength } from '../../identity/password-policy.ts';
import { createUser, getUserOrThrow, listUsers, updateUser } from '../../identity/user-admin.ts';
import type { AppDeps } from '../app.ts';
import { actingFrom, IdParams, RoleRef } from './me-routes.ts';

export const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleRef,
  disabled: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
  createdAt: Type.String(),
  lastSignInAt: Type.Union([Type.String(), Type.Null()]),
});

const RoleKey = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_]*$' });
const Name = Type.String({ minLength: 1, maxLength: 200 });

/** Staff account administration. */
export function usersRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['users'];

    app.get(
      '/api/v1/users',
      {
        config: { access: 'users:read' },
        schema: {
          tags,
          summary: 'List users, oldest first, with cursor pagination',
          querystring: Type.Object(
            {
              q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the email or name' })),
              cursor: Type.Optional(Type.String({ maxLength: 200 })),
              limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(User), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request) => listUsers(deps.db.kysely, actingFrom(request).workspaceId, request.query),
    );

    app.post(
      '/api/v1/users',
      {
        config: { access: 'users:write' },
        schema: {
          tags,
          summary: 'Create a user (without a password, an invitation email is sent)',
          body: Type.Object(
            {
              email: Type.String({ format: 'email', maxLength: 254 }),
              name: Name,
              roleKey: RoleKey,
              password: Type.Optional(Type.String({ minLength: 1, maxLength: passwordMaxLength * 4 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: User },
        },
      },
      async (request, reply) => reply.code(201).send(await createUser(deps, actingFrom(request), request.body)),
    );

    app.get(
      '/api/v1/users/:id',
      { config: { access: 'users:read' }, schema: { tags, summary: 'One user', params: IdParams, response: { 200: User } } },
      async (request) => getUserOrThrow(deps.db.kysely, actingFrom(request).workspaceId, request.params.id),
    );

    app.patch(
      '/api/v1/users/:id',
      {
        config: { access: 'users:write' },
        schema: {
          tags,
          summary: 'Change a user’s name, role or disabled flag (disabling ends their sessions)',
          params: IdParams,
          body: Type.Object(
            { name: Type.Optional(Name), roleKey: Type.Optional(RoleKey), disabled: Type.Optional(Type.Boolean()) },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: User },
        },
      },
      async (request) => updateUser(deps, actingFrom(request), request.params.id, request.body),
    );
  };
}
