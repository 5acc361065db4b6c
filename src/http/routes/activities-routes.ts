import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { activityDirections, activityLimits, activityOutcomes, activityTypes } from '../../crm/activities/activity-types.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { IfMatchHeader, etagOf, expectedVersion } from '../optimistic-concurrency.ts';
import { processingContextOf } from '../purpose-header.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A link to a person, an organization or a deal (ids only). */
export const RecordLinkSchema = Type.Object(
  { entity: literals(['person', 'organization', 'deal'] as const), id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

const fields = {
  type: literals(activityTypes),
  subject: Type.String({ minLength: 1, maxLength: activityLimits.subject }),
  body: nullable(Type.String({ maxLength: activityLimits.body * 2 })),
  occurredAt: Type.String({ minLength: 10, maxLength: 40 }),
  durationMinutes: nullable(Type.Integer({ minimum: 0, maximum: activityLimits.durationMinutes })),
  direction: nullable(literals(activityDirections)),
  outcome: nullable(literals(activityOutcomes)),
  links: Type.Array(RecordLinkSchema, { maxItems: activityLimits.links }),
};

const NewActivity = Type.Object(
  {
    type: fields.type,
    subject: fields.subject,
    body: Type.Optional(fields.body),
    occurredAt: fields.occurredAt,
    durationMinutes: Type.Optional(fields.durationMinutes),
    direction: Type.Optional(fields.direction),
    outcome: Type.Optional(fields.outcome),
    links: fields.links,
  },
  { additionalProperties: false },
);

const ActivityPatch = Type.Object(
  {
    type: Type.Optional(fields.type),
    subject: Type.Optional(fields.subject),
    body: Type.Optional(fields.body),
    occurredAt: Type.Optional(fields.occurredAt),
    durationMinutes: Type.Optional(fields.durationMinutes),
    direction: Type.Optional(fields.direction),
    outcome: Type.Optional(fields.outcome),
    links: Type.Optional(fields.links),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Activity = Type.Object({
  id: Type.String(),
  type: literals(activityTypes),
  subject: Type.String(),
  body: Type.Union([Type.String(), Type.Null()]),
  occurredAt: Type.String(),
  durationMinutes: Type.Union([Type.Integer(), Type.Null()]),
  direction: Type.Union([literals(activityDirections), Type.Null()]),
  outcome: Type.Union([literals(activityOutcomes), Type.Null()]),
  links: Type.Array(RecordLinkSchema),
  keyPersonId: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});

const ActivityParams = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) }, { additionalProperties: false });

/**
 * Activities logged by hand (notes, calls, meetings, emails) linked to people, organizations and deals. The subject
 * and body of an activity about people are encrypted under the first linked person's key and pass the gate under the
 * request's purpose (ADR 0012). Records list their activities through their timeline.
 */
export function activitiesRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'activities' | 'purposes'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['activities'];

    app.post(
      '/api/v1/activities',
      {
        config: { access: 'crm:write' },
        schema: {
          tags,
          summary: 'Log an activity (body: sanitised rich text); accepts Idempotency-Key',
          body: NewActivity,
          response: { 201: Activity },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const headersOf = (a: { id: string; version: number }) => ({ etag: etagOf(a.version), location: `/api/v1/activities/${a.id}` });
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            const activity = await deps.activities.create(ctx, request.body);
            return { status: 201, resourceId: activity.id, body: activity, headers: headersOf(activity) };
          },
          replay: async (id) => {
            const activity = await deps.activities.get(ctx, id);
            return { body: activity, headers: headersOf(activity) };
          },
        });
      },
    );

    app.get(
      '/api/v1/activities/:id',
      {
        config: { access: 'crm:read' },
        schema: { tags, summary: 'Read an activity', params: ActivityParams, response: { 200: Activity } },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const activity = await deps.activities.get(ctx, request.params.id);
        return reply.header('etag', etagOf(activity.version)).send(activity);
      },
    );

    app.patch(
      '/api/v1/activities/:id',
      {
        config: { access: 'crm:write' },
        schema: {
          tags,
          summary: 'Change an activity (links, when given, replace the list); needs If-Match',
          params: ActivityParams,
          headers: IfMatchHeader,
          body: ActivityPatch,
          response: { 200: Activity },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'activity');
        const ctx = await processingContextOf(request, reply, deps);
        const activity = await deps.activities.update(ctx, request.params.id, version, request.body);
        return reply.header('etag', etagOf(activity.version)).send(activity);
      },
    );

    app.delete(
      '/api/v1/activities/:id',
      {
        config: { access: 'crm:write' },
        schema: { tags, summary: 'Delete an activity and its links', params: ActivityParams, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        await deps.activities.remove(ctx, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
