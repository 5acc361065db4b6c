import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { searchTypes } from '../../crm/search/global-search.ts';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';

const SearchType = Type.Union(searchTypes.map((t) => Type.Literal(t)));
const SearchRequest = Type.Object(
  {
    query: Type.String({ minLength: 2, maxLength: 100, pattern: '\\S' }),
    types: Type.Optional(Type.Array(SearchType, { minItems: 1, uniqueItems: true })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { additionalProperties: false },
);
const Hit = Type.Object({ type: SearchType, id: Type.String(), title: Type.String(), subtitle: Type.Union([Type.String(), Type.Null()]) });

/**
 * Global search over organizations and deals (business data). People are searched by name with
 * `POST /api/v1/people/search` (blind-indexed, gated); the console calls both and groups the results.
 */
export function searchRoutes(deps: Pick<AppDeps, 'globalSearch'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    app.post(
      '/api/v1/search',
      {
        config: { access: 'crm:read' },
        schema: {
          tags: ['search'],
          summary: 'Search organization names and domains and deal titles (case-insensitive substring); the query goes in the body, never the URL',
          body: SearchRequest,
          response: { 200: Type.Object({ items: Type.Array(Hit) }) },
        },
      },
      async (request) => ({
        items: await deps.globalSearch.search(requestContext(request).workspaceId, request.body.query, request.body.types, request.body.limit ?? 10),
      }),
    );
  };
}
