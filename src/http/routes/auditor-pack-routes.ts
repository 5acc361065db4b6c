import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';
import { createAuditCheckpoints } from '../../kernel/audit/audit-checkpoints.ts';
import { buildAuditorPack } from '../../monitoring/auditor-pack/build-auditor-pack.ts';
import { parseDateRange } from '../../monitoring/auditor-pack/date-range.ts';

const Day = (description: string) => Type.String({ minLength: 1, maxLength: 10, description });

/** `GET /api/v1/compliance/auditor-pack?from=&to=`: the evidence an auditor asks for, for a date range, as a zip. */
export function auditorPackRoutes(
  deps: Pick<AppDeps, 'db' | 'clock' | 'governance' | 'compliance' | 'keyFiles' | 'config'>,
): FastifyPluginAsync {
  const checkpoints = createAuditCheckpoints({
    keysDir: deps.keyFiles.keysDir,
    dataDir: deps.config.dataDir,
  });
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/api/v1/compliance/auditor-pack',
      {
        config: { access: 'compliance:read' },
        schema: {
          tags: ['compliance'],
          summary:
            'Auditor pack for a date range (zip): Art. 30 record, DPIAs, consent evidence summary, request log with deadlines met, ' +
            'erasure certificates, breach register, training completion, latest compliance audit, audit-chain verification, and a ' +
            'manifest with the SHA-256 of every file. The export is audited.',
          querystring: Type.Object(
            { from: Day('First day, YYYY-MM-DD'), to: Day('Last day (included), YYYY-MM-DD') },
            { additionalProperties: false },
          ),
          produces: ['application/zip'],
          response: { 200: Type.Unknown({ description: 'The zip file (application/zip)' }) },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const range = parseDateRange(request.query.from, request.query.to);
        const { zip } = await buildAuditorPack(
          {
            db: deps.db,
            clock: deps.clock,
            governance: deps.governance,
            compliance: deps.compliance,
            checkpoints,
          },
          { workspaceId: ctx.workspaceId, actor: ctx.actor, requestId: ctx.requestId, ip: ctx.ip },
          range,
          'api',
        );
        return reply
          .type('application/zip')
          .header(
            'content-disposition',
            `attachment; filename="auditor-pack-${range.from}-to-${range.to}.zip"`,
          )
          .header('cache-control', 'no-store')
          .send(Buffer.from(zip));
      },
    );
  };
}
