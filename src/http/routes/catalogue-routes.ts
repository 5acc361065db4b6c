import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  categoryKeyPattern,
  identifierPattern,
  sourceTypes,
} from '../../kernel/catalogue/catalogue-types.ts';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';

const Category = Type.Object({
  key: Type.String(),
  name: Type.String(),
  description: Type.String(),
  special: Type.Boolean({ description: 'Art. 9 special category' }),
  criminal: Type.Boolean({ description: 'Art. 10 criminal-offence data' }),
  builtin: Type.Boolean({ description: 'From the default (fideslang) taxonomy' }),
  replacedBy: Type.Union([Type.String(), Type.Null()], { description: 'Set on deprecated keys' }),
});

const Attribute = Type.Object({
  entity: Type.String(),
  attribute: Type.String(),
  category: Type.String(),
  special: Type.Boolean(),
  source: Type.Union(sourceTypes.map((s) => Type.Literal(s))),
  retention: Type.String({ description: 'ISO 8601 duration' }),
  searchable: Type.Boolean(),
  builtin: Type.Boolean(),
  description: Type.String(),
});

const NewCategory = Type.Object(
  {
    key: Type.String({ pattern: categoryKeyPattern, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    special: Type.Optional(Type.Boolean()),
    criminal: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const NewAttribute = Type.Object(
  {
    entity: Type.String({ pattern: identifierPattern, maxLength: 63 }),
    attribute: Type.String({ pattern: identifierPattern, maxLength: 63 }),
    category: Type.String({ pattern: categoryKeyPattern, maxLength: 128 }),
    special: Type.Optional(Type.Boolean()),
    source: Type.Union(sourceTypes.map((s) => Type.Literal(s))),
    retention: Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.String({ maxLength: 32 })], {
      description: 'ISO 8601 duration (P2Y) or a number of days',
    }),
    searchable: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

/**
 * The data catalogue: `GET|POST /api/v1/catalogue/categories` and `GET|POST /api/v1/catalogue/attributes`.
 */
export function catalogueRoutes(deps: Pick<AppDeps, 'db' | 'catalogue'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['catalogue'];

    app.get(
      '/api/v1/catalogue/categories',
      {
        config: { access: 'catalogue:read' },
        schema: {
          tags,
          summary: 'Data categories: the default taxonomy and the workspace’s own',
          response: { 200: Type.Object({ items: Type.Array(Category) }) },
        },
      },
      async (request) => {
        const { workspaceId } = requestContext(request);
        return { items: await deps.catalogue.listCategories(deps.db.kysely, workspaceId) };
      },
    );

    app.post(
      '/api/v1/catalogue/categories',
      {
        config: { access: 'catalogue:write' },
        schema: {
          tags,
          summary: 'Define a workspace data category under an existing one',
          body: NewCategory,
          response: { 201: Category },
        },
      },
      async (request, reply) => {
        const created = await deps.catalogue.createCategory(
          deps.db.kysely,
          requestContext(request),
          request.body,
        );
        return reply.code(201).send(created);
      },
    );

    app.get(
      '/api/v1/catalogue/attributes',
      {
        config: { access: 'catalogue:read' },
        schema: {
          tags,
          summary: 'Declared personal-data attributes',
          querystring: Type.Object(
            { entity: Type.Optional(Type.String({ pattern: identifierPattern, maxLength: 63 })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(Attribute) }) },
        },
      },
      async (request) => {
        const { workspaceId } = requestContext(request);
        return {
          items: await deps.catalogue.listAttributes(deps.db.kysely, workspaceId, request.query.entity),
        };
      },
    );

    app.post(
      '/api/v1/catalogue/attributes',
      {
        config: { access: 'catalogue:write' },
        schema: {
          tags,
          summary: 'Declare a personal-data attribute',
          body: NewAttribute,
          response: { 201: Attribute },
        },
      },
      async (request, reply) => {
        const created = await deps.catalogue.declareAttribute(
          deps.db.kysely,
          requestContext(request),
          request.body,
        );
        return reply.code(201).send(created);
      },
    );
  };
}
