import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { buildTimeline } from '../../crm/timeline/build-timeline.ts';
import type { TimelineEntity } from '../../crm/timeline/timeline-source.ts';
import type { AppDeps } from '../app.ts';
import { processingContextOf } from '../purpose-header.ts';
import { RecordLinkSchema } from './activities-routes.ts';

const TimelineEntry = Type.Object({
  id: Type.String(),
  at: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  body: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  facts: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  actor: Type.Optional(Type.Union([Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }), Type.Null()])),
  links: Type.Optional(Type.Array(RecordLinkSchema)),
});

const TimelineQuery = Type.Object(
  {
    before: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
  },
  { additionalProperties: false },
);
const RecordParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) }, { additionalProperties: false });

const routes: readonly { readonly entity: TimelineEntity; readonly path: string; readonly tag: string }[] = [
  { entity: 'person', path: '/api/v1/people/:id/timeline', tag: 'people' },
  { entity: 'organization', path: '/api/v1/organizations/:id/timeline', tag: 'organizations' },
  { entity: 'deal', path: '/api/v1/deals/:id/timeline', tag: 'deals' },
];

/**
 * The timeline of a person, an organization or a deal: every registered timeline source covering the entity
 * (activities, tasks, rectifications, stage changes, …) merged newest first. `before` jumps to a time; `cursor`
 * (from `nextCursor`) pages on. Sources that show personal data run the gate under the request's purpose.
 */
export function timelineRoutes(deps: Pick<AppDeps, 'db' | 'purposes' | 'timelineSources' | 'recordDirectory'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    for (const route of routes) {
      app.get(
        route.path,
        {
          config: { access: 'crm:read' },
          schema: {
            tags: [route.tag, 'timeline'],
            summary: `The ${route.entity}'s timeline, newest first (before: ISO time; cursor: nextCursor)`,
            params: RecordParams,
            querystring: TimelineQuery,
            response: { 200: Type.Object({ items: Type.Array(TimelineEntry), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
          },
        },
        async (request, reply) => {
          const ctx = await processingContextOf(request, reply, deps);
          const record = { entity: route.entity, id: request.params.id };
          await deps.recordDirectory.assertExists(deps.db.kysely, ctx.workspaceId, record.entity, record.id);
          const q = request.query;
          const page = await buildTimeline(deps.timelineSources, deps.db.kysely, ctx, record, { limit: q.limit ?? 30, before: q.before, cursor: q.cursor });
          return { nextCursor: page.nextCursor, items: page.items.map(({ links, ...entry }) => (links ? { ...entry, links: [...links] } : entry)) };
        },
      );
    }
  };
}
