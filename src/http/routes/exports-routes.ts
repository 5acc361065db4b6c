import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors.ts';
import { purposeKeyPattern } from '../../kernel/purposes/purpose-register.ts';
import { exportFormats, exportStream } from '../../crm/export/export-stream.ts';
import { listEntities } from '../../crm/views/list-filters.ts';
import type { AppDeps } from '../app.ts';
import { purposeHeader } from '../purpose-header.ts';
import { requestContext } from '../request-context.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const ExportRequest = Type.Object(
  {
    entity: literals(listEntities),
    filters: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'The list view filters of the entity (see /api/v1/views)' })),
    format: literals(exportFormats),
    purpose: Type.String({ pattern: purposeKeyPattern.source, maxLength: 64, description: 'The purpose the export is for: checked by the gate and audited' }),
  },
  { additionalProperties: false },
);

const contentTypes = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

/**
 * Exports of list views as CSV or JSON, streamed. People need `people:export` and pass the gate (operation `export`,
 * one audit entry with the count and a digest); organizations and deals need `crm:read`. CSV cells are neutralised
 * against spreadsheet formula injection.
 */
export function exportsRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'exporter' | 'purposes'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    app.post(
      '/api/v1/exports',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['exports'],
          summary: 'Export a list view as CSV or JSON (people: people:export, purpose-checked and audited; others: crm:read)',
          body: ExportRequest,
          response: { 200: Type.Unknown({ description: 'The CSV text (text/csv) or the JSON array of records (application/json), streamed' }) },
        },
      },
      async (request, reply) => {
        const rc = requestContext(request);
        const { entity, format, purpose, filters } = request.body;
        const permission = entity === 'person' ? 'people:export' : 'crm:read';
        if (!rc.principal.role.permissions.has(permission)) throw new AppError('FORBIDDEN', { permission });
        const found = await deps.purposes.find(deps.db.kysely, rc.workspaceId, purpose);
        if (!found) throw new AppError('PURPOSE_UNKNOWN', { purpose });
        const ctx = { workspaceId: rc.workspaceId, actor: rc.actor, purpose, role: rc.principal.role, requestId: rc.requestId, ip: rc.ip };
        const prepared =
          entity === 'person' ? await deps.exporter.preparePeople(ctx, filters) : await deps.exporter.prepareRecords(ctx, entity, filters, format);
        const day = deps.clock.now().toISOString().slice(0, 10);
        return reply
          .header(purposeHeader, purpose)
          .header('cache-control', 'no-store')
          .header('content-disposition', `attachment; filename="${entity}-export-${day}.${format}"`)
          .header('custodian-export-count', String(prepared.count))
          .type(contentTypes[format])
          .send(exportStream(format, prepared.columns, prepared.rows));
      },
    );
  };
}
