import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { dealBoard } from '../../crm/deals/deal-board.ts';
import { dealSorts } from '../../crm/deals/deal-service.ts';
import { stageKinds } from '../../crm/deals/pipelines/stage-kinds.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { IfMatchHeader, etagOf, expectedVersion, withEtag } from '../optimistic-concurrency.ts';
import { processingContextOf } from '../purpose-header.ts';
import { crmActorOf, StageSchema } from './pipelines-routes.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
const date = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const reason = Type.String({ minLength: 1, maxLength: 500 });

const fields = {
  amount: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
  expectedCloseDate: Type.Optional(nullable(date)),
  ownerUserId: Type.Optional(nullable(Uuid)),
  pipelineId: Type.Optional(Uuid),
  stageId: Type.Optional(Uuid),
  organizationId: Type.Optional(nullable(Uuid)),
  personIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
  closeReason: Type.Optional(nullable(reason)),
};
const NewDeal = Type.Object({ title, ...fields }, { additionalProperties: false });
const DealPatch = Type.Object({ title: Type.Optional(title), ...fields }, { additionalProperties: false, minProperties: 1 });

const nullableString = Type.Union([Type.String(), Type.Null()]);
export const DealSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  expectedCloseDate: nullableString,
  ownerUserId: nullableString,
  pipelineId: Type.String(),
  stageId: Type.String(),
  position: Type.Integer(),
  organizationId: nullableString,
  status: literals(stageKinds),
  closeReason: nullableString,
  closedAt: nullableString,
  personIds: Type.Array(Type.String(), { description: 'Linked people by id; read them through the people API' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});

const Params = Type.Object({ id: Uuid }, { additionalProperties: false });
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$' })),
    sort: Type.Optional(literals(dealSorts)),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    pipelineId: Type.Optional(Uuid),
    stageId: Type.Optional(Uuid),
    ownerUserId: Type.Optional(Uuid),
    organizationId: Type.Optional(Uuid),
    personId: Type.Optional(Uuid),
    status: Type.Optional(literals(stageKinds)),
    closeFrom: Type.Optional(date),
    closeTo: Type.Optional(date),
  },
  { additionalProperties: false },
);
const Totals = Type.Array(Type.Object({ currency: Type.String(), amount: Type.Integer(), weighted: Type.Integer() }));
const Board = Type.Object({
  pipelineId: Type.String(),
  columns: Type.Array(Type.Object({ stage: StageSchema, count: Type.Integer(), totals: Totals, deals: Type.Array(DealSchema) })),
});

/**
 * Deals: create (Idempotency-Key), read, change and move (If-Match), delete, list with filters and cursor, stage
 * history, and the board of a pipeline. Linking people runs the processing gate under the request's purpose; people
 * appear as ids only (their values come from the people API).
 */
export function dealsRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'deals' | 'pipelines' | 'purposes'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['deals'];
    const headersOf = (d: { id: string; version: number }) => ({ etag: etagOf(d.version), location: `/api/v1/deals/${d.id}` });
    /** The processing context, only when people are named (plain deal changes need no purpose). */
    const processingIf = (request: FastifyRequest, reply: FastifyReply, needed: boolean) => (needed ? processingContextOf(request, reply, deps) : Promise.resolve(undefined));

    app.post(
      '/api/v1/deals',
      { config: { access: 'crm:write' }, schema: { tags, summary: 'Create a deal (default pipeline and first stage unless named); accepts Idempotency-Key', body: NewDeal, response: { 201: DealSchema } } },
      async (request, reply) => {
        const by = crmActorOf(request);
        const processing = await processingIf(request, reply, (request.body.personIds ?? []).length > 0);
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            const d = await deps.deals.create(by, request.body, processing);
            return { status: 201, resourceId: d.id, body: d, headers: headersOf(d) };
          },
          replay: async (id) => {
            const d = await deps.deals.getOrThrow(by.workspaceId, id);
            return { body: d, headers: headersOf(d) };
          },
        });
      },
    );

    app.get(
      '/api/v1/deals',
      {
        config: { access: 'crm:read' },
        schema: {
          tags,
          summary: 'List deals (filters: pipeline, stage, owner, organization, person, status, close-date range; sort; cursor)',
          querystring: ListQuery,
          response: { 200: Type.Object({ items: Type.Array(DealSchema), nextCursor: nullableString }) },
        },
      },
      async (request, reply) => {
        const processing = await processingIf(request, reply, request.query.personId !== undefined);
        return deps.deals.list(crmActorOf(request).workspaceId, { ...request.query, limit: request.query.limit ?? 50 }, processing);
      },
    );

    app.get(
      '/api/v1/deals/:id',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'Read a deal', params: Params, response: { 200: DealSchema } } },
      async (request, reply) => {
        const d = await deps.deals.getOrThrow(crmActorOf(request).workspaceId, request.params.id);
        return withEtag(reply, d.version).send(d);
      },
    );

    app.patch(
      '/api/v1/deals/:id',
      {
        config: { access: 'crm:write' },
        schema: { tags, summary: 'Change a deal (personIds replaces the linked people); needs If-Match', params: Params, headers: IfMatchHeader, body: DealPatch, response: { 200: DealSchema } },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'deal');
        const processing = await processingIf(request, reply, (request.body.personIds ?? []).length > 0);
        const d = await deps.deals.update(crmActorOf(request), request.params.id, version, request.body, processing);
        return withEtag(reply, d.version).send(d);
      },
    );

    app.post(
      '/api/v1/deals/:id/move',
      {
        config: { access: 'crm:write' },
        schema: {
          tags,
          summary: 'Move a deal to a stage of its pipeline at a position (board drag and drop); needs If-Match',
          params: Params,
          headers: IfMatchHeader,
          body: Type.Object({ stageId: Uuid, position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })), closeReason: Type.Optional(nullable(reason)) }, { additionalProperties: false }),
          response: { 200: DealSchema },
        },
      },
      async (request, reply) => {
        const d = await deps.deals.move(crmActorOf(request), request.params.id, expectedVersion(request, 'deal'), request.body);
        return withEtag(reply, d.version).send(d);
      },
    );

    app.delete(
      '/api/v1/deals/:id',
      { config: { access: 'crm:write' }, schema: { tags, summary: 'Delete a deal', params: Params, response: { 204: Type.Null() } } },
      async (request, reply) => {
        await deps.deals.remove(crmActorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/deals/:id/stage-history',
      {
        config: { access: 'crm:read' },
        schema: {
          tags,
          summary: 'Stage changes of a deal, oldest first (who and when)',
          params: Params,
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.Integer(),
                  fromStageId: nullableString,
                  fromStageName: nullableString,
                  toStageId: Type.String(),
                  toStageName: Type.String(),
                  actorType: Type.String(),
                  actorId: nullableString,
                  changedAt: Type.String(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => ({ items: await deps.deals.stageHistory(crmActorOf(request).workspaceId, request.params.id) }),
    );

    app.get(
      '/api/v1/pipelines/:id/board',
      {
        config: { access: 'crm:read' },
        schema: {
          tags,
          summary: 'The kanban board of a pipeline: one column per stage with its deals in order, count and totals per currency',
          params: Params,
          querystring: Type.Object({ ownerUserId: Type.Optional(Uuid), perStage: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false }),
          response: { 200: Board },
        },
      },
      async (request) => dealBoard(deps, crmActorOf(request).workspaceId, request.params.id, { ownerUserId: request.query.ownerUserId, perStage: request.query.perStage ?? 100 }),
    );
  };
}
