import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { acknowledgeBulletin, bulletinReaders, getBulletinOrThrow, listBulletins, listMyBulletins, publishBulletin } from '../../governance/bulletins/bulletins.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { requestContext } from '../request-context.ts';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) }, { additionalProperties: false });

const Bulletin = Type.Object({
  id: Type.String(),
  title: Type.String(),
  body: Type.String(),
  roleKeys: Type.Array(Type.String()),
  publishedAt: Type.String(),
  addressed: Type.Integer(),
  acknowledged: Type.Integer(),
});

const NewBulletin = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ minLength: 1, maxLength: 50_000, description: 'Markdown' }),
    roleKeys: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
  },
  { additionalProperties: false },
);

const MyBulletin = Type.Object({
  id: Type.String(),
  title: Type.String(),
  bodyHtml: Type.String({ description: 'Rendered Markdown, sanitised' }),
  publishedAt: Type.String(),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
});

const Reader = { userId: Type.String(), name: Type.String(), email: Type.String(), roleKey: Type.String() };
const Readers = Type.Object({
  acknowledged: Type.Array(Type.Object({ ...Reader, acknowledgedAt: Type.String() })),
  pending: Type.Array(Type.Object(Reader)),
});

/**
 * Regulatory-update bulletins: the DPO publishes a note to roles (governance:write), sees who read it
 * (governance:read); every signed-in user lists the bulletins addressed to them and acknowledges them.
 */
export function bulletinsRoutes(deps: Pick<AppDeps, 'db' | 'clock'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['bulletins'];
    const db = deps.db.kysely;
    const useDeps = { db, dialect: deps.db.dialect, clock: deps.clock };

    app.get(
      '/api/v1/bulletins',
      {
        config: { access: 'governance:read' },
        schema: {
          tags,
          summary: 'Published bulletins, newest first, with acknowledgement counts (cursor pagination)',
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
              cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$' })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(Bulletin), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request) => listBulletins(db, requestContext(request).workspaceId, { limit: request.query.limit ?? 50, cursor: request.query.cursor }),
    );

    app.post(
      '/api/v1/bulletins',
      {
        config: { access: 'governance:write' },
        schema: { tags, summary: 'Publish a bulletin to the users of the chosen roles; accepts Idempotency-Key', body: NewBulletin, response: { 201: Bulletin } },
      },
      async (request, reply) => {
        const rc = requestContext(request);
        return sendIdempotent(db, deps.clock, request, reply, {
          create: async () => {
            const b = await publishBulletin(useDeps, rc, request.body);
            return { status: 201, resourceId: b.id, body: b, headers: { location: `/api/v1/bulletins/${b.id}` } };
          },
          replay: async (id) => ({ body: await getBulletinOrThrow(db, rc.workspaceId, id) }),
        });
      },
    );

    app.get(
      '/api/v1/bulletins/:id',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'One bulletin with its counts', params: IdParams, response: { 200: Bulletin } },
      },
      async (request) => getBulletinOrThrow(db, requestContext(request).workspaceId, request.params.id),
    );

    app.get(
      '/api/v1/bulletins/:id/readers',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'Who acknowledged a bulletin and who has not yet', params: IdParams, response: { 200: Readers } },
      },
      async (request) => bulletinReaders(db, requestContext(request).workspaceId, request.params.id),
    );

    app.get(
      '/api/v1/bulletins/me',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'Bulletins addressed to your role, unacknowledged first', response: { 200: Type.Object({ items: Type.Array(MyBulletin) }) } },
      },
      async (request) => {
        const rc = requestContext(request);
        return { items: await listMyBulletins(db, rc.workspaceId, rc.principal.userId) };
      },
    );

    app.post(
      '/api/v1/bulletins/:id/acknowledge',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'Acknowledge having read a bulletin addressed to your role (again: the first acknowledgement)',
          params: IdParams,
          response: { 200: Type.Object({ acknowledgedAt: Type.String() }) },
        },
      },
      async (request) => {
        const rc = requestContext(request);
        return acknowledgeBulletin(useDeps, rc, rc.principal.userId, request.params.id);
      },
    );
  };
}
