import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { listEntities } from '../../crm/views/list-filters.ts';
import type { ViewActor } from '../../crm/views/saved-views.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { IfMatchHeader, etagOf, expectedVersion, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const Entity = literals(listEntities);
const Filters = Type.Object({}, { additionalProperties: true, description: 'Filters of the entity’s list (checked per entity)' });
const Sort = Type.Union([Type.Object({ field: Type.String({ maxLength: 40 }), direction: literals(['asc', 'desc'] as const) }, { additionalProperties: false }), Type.Null()]);
const Columns = Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.]{0,63}$' }), { maxItems: 50, uniqueItems: true });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });

const NewView = Type.Object(
  { entity: Entity, name: Name, filters: Type.Optional(Filters), sort: Type.Optional(Sort), columns: Type.Optional(Columns), shared: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const ViewPatch = Type.Object(
  { name: Type.Optional(Name), filters: Type.Optional(Filters), sort: Type.Optional(Sort), columns: Type.Optional(Columns), shared: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
const View = Type.Object({
  id: Type.String(),
  entity: Entity,
  name: Type.String(),
  filters: Type.Object({}, { additionalProperties: true }),
  sort: Type.Union([Type.Object({ field: Type.String(), direction: Type.String() }), Type.Null()]),
  columns: Type.Array(Type.String()),
  ownerUserId: Type.String(),
  shared: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const IdParams = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) }, { additionalProperties: false });
const ListQuery = Type.Object(
  {
    entity: Type.Optional(Entity),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);

function actorOf(request: FastifyRequest): ViewActor {
  const { principal, workspaceId } = requestContext(request);
  return { workspaceId, userId: principal.userId, canManageShared: principal.role.permissions.has('crm:configure') };
}

/** Saved list views: the user's own and the shared ones; only the owner (or `crm:configure` for shared) changes one. */
export function viewsRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'savedViews'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['views'];
    const views = deps.savedViews;

    app.get(
      '/api/v1/views',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'List my saved views and the shared ones, by name (cursor pagination)', querystring: ListQuery, response: { 200: Type.Object({ items: Type.Array(View), nextCursor: Type.Union([Type.String(), Type.Null()]) }) } } },
      async (request) => views.list(actorOf(request), { entity: request.query.entity, limit: request.query.limit ?? 100, cursor: request.query.cursor }),
    );

    app.post(
      '/api/v1/views',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'Save a list view (filters checked per entity); accepts Idempotency-Key', body: NewView, response: { 201: View } } },
      async (request, reply) => {
        const actor = actorOf(request);
        const headersOf = (v: { id: string; version: number }) => ({ etag: etagOf(v.version), location: `/api/v1/views/${v.id}` });
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            const view = await views.create(actor, request.body);
            return { status: 201, resourceId: view.id, body: view, headers: headersOf(view) };
          },
          replay: async (id) => {
            const view = await views.getOrThrow(actor, id);
            return { body: view, headers: headersOf(view) };
          },
        });
      },
    );

    app.get(
      '/api/v1/views/:id',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'Read a saved view (mine or shared)', params: IdParams, response: { 200: View } } },
      async (request, reply) => {
        const view = await views.getOrThrow(actorOf(request), request.params.id);
        return withEtag(reply, view.version).send(view);
      },
    );

    app.patch(
      '/api/v1/views/:id',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'Change a saved view (owner only; shared views also crm:configure); needs If-Match', params: IdParams, headers: IfMatchHeader, body: ViewPatch, response: { 200: View } } },
      async (request, reply) => {
        const version = expectedVersion(request, 'view');
        const view = await views.update(actorOf(request), request.params.id, version, request.body);
        return withEtag(reply, view.version).send(view);
      },
    );

    app.delete(
      '/api/v1/views/:id',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'Delete a saved view (owner only; shared views also crm:configure)', params: IdParams, response: { 204: Type.Null() } } },
      async (request, reply) => {
        await views.remove(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
