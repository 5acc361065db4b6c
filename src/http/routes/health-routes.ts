import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';

const Health = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]) });

/** `GET /health`: 200 when the database answers, 503 otherwise. */
export function healthRoutes(deps: Pick<AppDeps, 'db'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/health',
      {
        config: { access: 'public' },
        schema: {
          tags: ['platform'],
          summary: 'Liveness and database readiness',
          response: { 200: Health, 503: Health },
        },
      },
      async (_request, reply) => {
        const ok = await deps.db.ping();
        return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
      },
    );
  };
}
