import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stageKinds } from '../../crm/deals/pipelines/stage-kinds.ts';
import type { CrmActor } from '../../crm/deals/stage-history.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { IfMatchHeader, etagOf, expectedVersion, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';

const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
const name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const probability = Type.Integer({ minimum: 0, maximum: 100 });
const kind = Type.Union(stageKinds.map((k) => Type.Literal(k)));
const StageInput = Type.Object({ name, probability, kind }, { additionalProperties: false });

export const StageSchema = Type.Object({ id: Type.String(), name: Type.String(), position: Type.Integer(), probability: Type.Integer(), kind });
export const PipelineSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  isDefault: Type.Boolean(),
  stages: Type.Array(StageSchema),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});

const Params = Type.Object({ id: Uuid }, { additionalProperties: false });
const StageParams = Type.Object({ id: Uuid, stageId: Uuid }, { additionalProperties: false });

/** The acting user (stage history names users, not tokens). */
export function crmActorOf(request: FastifyRequest): CrmActor {
  const rc = requestContext(request);
  return { workspaceId: rc.workspaceId, actor: { type: 'user', id: rc.principal.userId } };
}

/**
 * Pipelines and their ordered stages (`crm:configure` to change, `crm:read` to read). Every change to a pipeline or
 * its stages needs If-Match with the pipeline's ETag; a stage holding deals is removed only with `moveDealsTo`.
 */
export function pipelinesRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'pipelines'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['pipelines'];
    const ws = (request: FastifyRequest) => requestContext(request).workspaceId;

    app.get(
      '/api/v1/pipelines',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'List pipelines with their stages (default first)', response: { 200: Type.Object({ items: Type.Array(PipelineSchema) }) } } },
      async (request) => ({ items: await deps.pipelines.list(ws(request)) }),
    );

    app.post(
      '/api/v1/pipelines',
      {
        config: { access: 'crm:configure' },
        schema: {
          tags,
          summary: 'Create a pipeline with its stages; accepts Idempotency-Key',
          body: Type.Object({ name, isDefault: Type.Optional(Type.Boolean()), stages: Type.Array(StageInput, { minItems: 1, maxItems: 30 }) }, { additionalProperties: false }),
          response: { 201: PipelineSchema },
        },
      },
      async (request, reply) => {
        const headersOf = (p: { id: string; version: number }) => ({ etag: etagOf(p.version), location: `/api/v1/pipelines/${p.id}` });
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            const p = await deps.pipelines.create(ws(request), request.body);
            return { status: 201, resourceId: p.id, body: p, headers: headersOf(p) };
          },
          replay: async (id) => {
            const p = await deps.pipelines.getOrThrow(ws(request), id);
            return { body: p, headers: headersOf(p) };
          },
        });
      },
    );

    app.get(
      '/api/v1/pipelines/:id',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'Read a pipeline with its stages', params: Params, response: { 200: PipelineSchema } } },
      async (request, reply) => {
        const p = await deps.pipelines.getOrThrow(ws(request), request.params.id);
        return withEtag(reply, p.version).send(p);
      },
    );

    app.patch(
      '/api/v1/pipelines/:id',
      {
        config: { access: 'crm:configure' },
        schema: {
          tags,
          summary: 'Rename a pipeline or make it the default; needs If-Match',
          params: Params,
          headers: IfMatchHeader,
          body: Type.Object({ name: Type.Optional(name), isDefault: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }),
          response: { 200: PipelineSchema },
        },
      },
      async (request, reply) => {
        const p = await deps.pipelines.update(ws(request), request.params.id, expectedVersion(request, 'pipeline'), request.body);
        return withEtag(reply, p.version).send(p);
      },
    );

    app.delete(
      '/api/v1/pipelines/:id',
      { config: { access: 'crm:configure' }, schema: { tags, summary: 'Delete a pipeline (409 while it holds deals or is the default)', params: Params, response: { 204: Type.Null() } } },
      async (request, reply) => {
        await deps.pipelines.remove(ws(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/pipelines/:id/stages',
      {
        config: { access: 'crm:configure' },
        schema: {
          tags,
          summary: 'Add a stage (at `position`, default last); needs If-Match of the pipeline',
          params: Params,
          headers: IfMatchHeader,
          body: Type.Object({ name, probability, kind, position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })) }, { additionalProperties: false }),
          response: { 200: PipelineSchema },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'pipeline');
        const p = await deps.pipelines.addStage(ws(request), request.params.id, version, request.body);
        return withEtag(reply, p.version).send(p);
      },
    );

    app.put(
      '/api/v1/pipelines/:id/stage-order',
      {
        config: { access: 'crm:configure' },
        schema: {
          tags,
          summary: 'Reorder the stages (every stage id once); needs If-Match of the pipeline',
          params: Params,
          headers: IfMatchHeader,
          body: Type.Object({ stageIds: Type.Array(Uuid, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
          response: { 200: PipelineSchema },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'pipeline');
        const p = await deps.pipelines.reorderStages(ws(request), request.params.id, version, request.body.stageIds);
        return withEtag(reply, p.version).send(p);
      },
    );

    app.patch(
      '/api/v1/pipelines/:id/stages/:stageId',
      {
        config: { access: 'crm:configure' },
        schema: {
          tags,
          summary: 'Rename a stage, change its probability or kind (its deals follow the kind); needs If-Match of the pipeline',
          params: StageParams,
          headers: IfMatchHeader,
          body: Type.Object({ name: Type.Optional(name), probability: Type.Optional(probability), kind: Type.Optional(kind) }, { additionalProperties: false, minProperties: 1 }),
          response: { 200: PipelineSchema },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'pipeline');
        const p = await deps.pipelines.updateStage(crmActorOf(request), request.params.id, request.params.stageId, version, request.body);
        return withEtag(reply, p.version).send(p);
      },
    );

    app.delete(
      '/api/v1/pipelines/:id/stages/:stageId',
      {
        config: { access: 'crm:configure' },
        schema: {
          tags,
          summary: 'Remove a stage; 409 while it holds deals unless `moveDealsTo` names another stage; needs If-Match of the pipeline',
          params: StageParams,
          headers: IfMatchHeader,
          querystring: Type.Object({ moveDealsTo: Type.Optional(Uuid) }, { additionalProperties: false }),
          response: { 200: PipelineSchema },
        },
      },
      async (request, reply) => {
        // An unknown pipeline answers 404 before the missing If-Match (a DELETE has no body to refuse first).
        await deps.pipelines.getOrThrow(ws(request), request.params.id);
        const version = expectedVersion(request, 'pipeline');
        const p = await deps.pipelines.removeStage(crmActorOf(request), request.params.id, request.params.stageId, version, request.query.moveDealsTo);
        return withEtag(reply, p.version).send(p);
      },
    );
  };
}
