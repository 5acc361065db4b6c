import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { createApiToken, listApiTokens, revokeApiToken } from '../../identity/api-tokens.ts';
import type { AppDeps } from '../app.ts';
import { actingFrom, IdParams, RoleRef } from './me-routes.ts';

export const ApiToken = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  role: Type.Union([RoleRef, Type.Null()]),
  defaultPurpose: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

/** API tokens for integrations: mine, or all with `tokens:manage`. */
export function tokensRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['api tokens'];

    app.get(
      '/api/v1/tokens',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'My API tokens (every token with tokens:manage)', response: { 200: Type.Object({ items: Type.Array(ApiToken) }) } },
      },
      async (request) => {
        const ctx = actingFrom(request);
        const all = ctx.principal.role.permissions.has('tokens:manage');
        return { items: await listApiTokens(deps.db.kysely, { workspaceId: ctx.workspaceId, userId: ctx.userId, all }) };
      },
    );

    app.post(
      '/api/v1/tokens',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'Create an API token for myself; the token is shown once',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              roleKey: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_]*$' })),
              expiresAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
              defaultPurpose: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_.-]*$' })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ token: Type.String(), item: ApiToken }) },
        },
      },
      async (request, reply) => {
        const ctx = actingFrom(request);
        return reply.code(201).send(await createApiToken(deps, ctx, { ...request.body, userId: ctx.userId }));
      },
    );

    app.delete(
      '/api/v1/tokens/:id',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'Revoke a token', params: IdParams, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        const ctx = actingFrom(request);
        await revokeApiToken(deps, { ...ctx, all: ctx.principal.role.permissions.has('tokens:manage') }, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
