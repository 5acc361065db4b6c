import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { etagOf, expectedVersion, IfMatchHeader, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';
import { privacyEventTypes } from '../../kernel/events/privacy-events.ts';
import type { WebhookEndpoint } from '../../webhooks/webhook-endpoints.ts';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const DeliveryParams = Type.Object({ id: Type.String({ format: 'uuid' }), deliveryId: Type.String({ format: 'uuid' }) });
const EventType = Type.Union([Type.Literal('*'), ...privacyEventTypes.map((t) => Type.Literal(t))]);
const EndpointFields = {
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'https URL (http allowed in development and tests)' }),
  description: Type.String({ maxLength: 500 }),
  eventTypes: Type.Array(EventType, { minItems: 1, maxItems: privacyEventTypes.length + 1, uniqueItems: true }),
  active: Type.Boolean(),
};
const CreateBody = Type.Object(
  { url: EndpointFields.url, eventTypes: EndpointFields.eventTypes, description: Type.Optional(EndpointFields.description), active: Type.Optional(EndpointFields.active) },
  { additionalProperties: false },
);
const UpdateBody = Type.Partial(Type.Object(EndpointFields, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 });
const EndpointView = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  active: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const WithSecret = Type.Object({
  endpoint: EndpointView,
  secret: Type.String({ description: 'The signing secret (Standard Webhooks `whsec_…`), shown only now' }),
});
const Status = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]);
const DeliveryView = Type.Object({
  id: Type.String(),
  endpointId: Type.String(),
  eventType: Type.String(),
  status: Status,
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Unknown(),
});
const AttemptView = Type.Object({
  attemptedAt: Type.String(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
});
const DeliveriesQuery = Type.Object(
  { status: Type.Optional(Status), cursor: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
  { additionalProperties: false },
);

const view = (e: WebhookEndpoint): Static<typeof EndpointView> => ({ ...e, eventTypes: [...e.eventTypes] });

/**
 * Outgoing webhooks for privacy events: endpoints (secret shown once, rotation), the delivery log with attempts,
 * manual redelivery and a test ping. Deliveries are signed per Standard Webhooks (see docs/adr/0029-webhooks.md).
 */
export function webhooksRoutes(deps: Pick<AppDeps, 'db' | 'webhooks'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['webhooks'];
    const db = deps.db.kysely;
    const { endpoints, deliveries } = deps.webhooks;
    const access = 'webhooks:manage' as const;

    app.get(
      '/api/v1/webhooks',
      { config: { access }, schema: { tags, summary: 'Webhook endpoints of the workspace', response: { 200: Type.Object({ items: Type.Array(EndpointView), eventTypes: Type.Array(Type.String()) }) } } },
      async (request) => ({ items: (await endpoints.list(db, requestContext(request).workspaceId)).map(view), eventTypes: [...privacyEventTypes] }),
    );

    app.post(
      '/api/v1/webhooks',
      { config: { access }, schema: { tags, summary: 'Add an endpoint; the answer carries its signing secret, shown only once', body: CreateBody, response: { 201: WithSecret } } },
      async (request, reply) => {
        const { endpoint, secret } = await endpoints.create(db, requestContext(request), request.body);
        return reply.code(201).header('etag', etagOf(endpoint.version)).send({ endpoint: view(endpoint), secret });
      },
    );

    app.get(
      '/api/v1/webhooks/:id',
      { config: { access }, schema: { tags, summary: 'One endpoint (ETag = version)', params: IdParams, response: { 200: EndpointView } } },
      async (request, reply) => {
        const e = await endpoints.get(db, requestContext(request).workspaceId, request.params.id);
        return withEtag(reply, e.version).send(view(e));
      },
    );

    app.patch(
      '/api/v1/webhooks/:id',
      { config: { access }, schema: { tags, summary: 'Change URL, events, description or pause it (If-Match)', params: IdParams, headers: IfMatchHeader, body: UpdateBody, response: { 200: EndpointView } } },
      async (request, reply) => {
        const e = await endpoints.update(db, requestContext(request), request.params.id, expectedVersion(request, 'webhook endpoint'), request.body);
        return withEtag(reply, e.version).send(view(e));
      },
    );

    app.delete(
      '/api/v1/webhooks/:id',
      { config: { access }, schema: { tags, summary: 'Remove an endpoint and its delivery log', params: IdParams, response: { 204: Type.Null() } } },
      async (request, reply) => {
        await endpoints.remove(db, requestContext(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/webhooks/:id/secret',
      { config: { access }, schema: { tags, summary: 'Rotate the signing secret; the new one is shown only now', params: IdParams, response: { 200: WithSecret } } },
      async (request, reply) => {
        const { endpoint, secret } = await endpoints.rotateSecret(db, requestContext(request), request.params.id);
        return withEtag(reply, endpoint.version).send({ endpoint: view(endpoint), secret });
      },
    );

    app.post(
      '/api/v1/webhooks/:id/ping',
      { config: { access }, schema: { tags, summary: 'Queue a `webhook.ping` delivery to test the endpoint', params: IdParams, response: { 202: DeliveryView } } },
      async (request, reply) => reply.code(202).send(await deliveries.ping(db, requestContext(request), request.params.id)),
    );

    app.get(
      '/api/v1/webhooks/:id/deliveries',
      {
        config: { access },
        schema: { tags, summary: 'Delivery log of an endpoint, newest first (cursor pagination)', params: IdParams, querystring: DeliveriesQuery, response: { 200: Type.Object({ items: Type.Array(DeliveryView), nextCursor: Type.Union([Type.String(), Type.Null()]) }) } },
      },
      async (request) => {
        const q = request.query;
        return deliveries.list(db, requestContext(request).workspaceId, request.params.id, {
          ...(q.status ? { status: q.status } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        });
      },
    );

    app.get(
      '/api/v1/webhooks/:id/deliveries/:deliveryId/attempts',
      { config: { access }, schema: { tags, summary: 'Every attempt of one delivery', params: DeliveryParams, response: { 200: Type.Object({ items: Type.Array(AttemptView) }) } } },
      async (request) => ({ items: await deliveries.attempts(db, requestContext(request).workspaceId, request.params.id, request.params.deliveryId) }),
    );

    app.post(
      '/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
      { config: { access }, schema: { tags, summary: 'Send a delivery again now (a dead one gets a fresh set of retries)', params: DeliveryParams, response: { 202: DeliveryView } } },
      async (request, reply) => reply.code(202).send(await deliveries.redeliver(db, requestContext(request), request.params.id, request.params.deliveryId)),
    );
  };
}
