import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { processingContextOf } from '../purpose-header.ts';

const Params = Type.Object(
  { id: Type.String({ format: 'uuid', maxLength: 36 }) },
  { additionalProperties: false },
);
const Query = Type.Object(
  {
    kind: Type.Optional(
      Type.Union([Type.Literal('access'), Type.Literal('portability')], {
        default: 'access',
        description:
          'access (Art. 15): everything; portability (Art. 20): what the person provided under consent or contract',
      }),
    ),
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('zip'), Type.Literal('html')], {
        default: 'json',
        description:
          'json document, zip (JSON + one CSV per section + summary), or the readable HTML summary',
      }),
    ),
    language: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$',
        maxLength: 35,
        description:
          'Language of the summary (en, fr, de; others fall back to en). Default: the language the person last used with us (a consent or a request), else en',
      }),
    ),
  },
  { additionalProperties: false },
);

const raw = (payload: unknown) => payload as string;

/**
 * The staff side of the right of access and portability: `GET /api/v1/people/:id/access-export` (permission
 * `people:export`), built through the gate under the request's purpose (`Custodian-Purpose`) and audited once. The
 * count of items flagged for review (records naming other people) is in `Custodian-Flagged-For-Review`.
 */
export function accessExportRoutes(
  deps: Pick<AppDeps, 'db' | 'purposes' | 'accessExporter' | 'clock'>,
): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/api/v1/people/:id/access-export',
      {
        config: { access: 'people:export' },
        schema: {
          tags: ['people'],
          summary:
            'Access (Art. 15) or portability (Art. 20) export of one person: JSON, zip or readable HTML; purpose-checked and audited',
          params: Params,
          querystring: Query,
          response: {
            200: Type.Unknown({
              description:
                'The JSON document (docs/access-export-schema.md), the zip (application/zip) or the HTML summary',
            }),
          },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const kind = request.query.kind ?? 'access';
        const format = request.query.format ?? 'json';
        const out = await deps.accessExporter.build(deps.db.kysely, ctx, request.params.id, {
          kind,
          language: request.query.language ?? '',
        });
        const day = deps.clock.now().toISOString().slice(0, 10);
        reply
          .header('cache-control', 'no-store')
          .header('custodian-flagged-for-review', String(out.flaggedForReview.length));
        if (format === 'zip') {
          return reply
            .type('application/zip')
            .header('content-disposition', `attachment; filename="${kind}-export-${day}.zip"`)
            .send(Buffer.from(out.zip));
        }
        if (format === 'html') return reply.type('text/html; charset=utf-8').serializer(raw).send(out.html);
        return reply.type('application/json; charset=utf-8').send(out.json);
      },
    );
  };
}
