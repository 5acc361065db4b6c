import { Readable } from 'node:stream';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors.ts';
import { importEncodings } from '../../crm/import/csv-rows.ts';
import { spoolEncrypted } from '../../crm/import/encrypted-spool.ts';
import { duplicatePolicies } from '../../crm/import/import-jobs.ts';
import { checkMapping, importFields } from '../../crm/import/import-mapping.ts';
import { provenanceSources } from '../../kernel/people/person-fields.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { processingContextOf, purposeHeader } from '../purpose-header.ts';
import { requestContext } from '../request-context.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const Counts = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer(),
  suppressed: Type.Integer(),
  rejected: Type.Integer(),
});

const ImportSchema = Type.Object({
  id: Type.String(),
  status: literals(['pending', 'running', 'interrupted', 'completed', 'failed'] as const),
  purpose: Type.String(),
  source: Type.String(),
  onDuplicate: literals(duplicatePolicies),
  mapping: Type.Record(Type.String(), literals(importFields)),
  ignoreUnknown: Type.Boolean(),
  defaultCountry: Type.Union([Type.String(), Type.Null()]),
  totalRows: Type.Union([Type.Integer(), Type.Null()]),
  lastRow: Type.Integer(),
  counts: Counts,
  errorCode: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});

// Column headers are names of columns, not values; still bounded.
const NewImport = Type.Object(
  {
    source: literals(provenanceSources),
    onDuplicate: Type.Optional(literals(duplicatePolicies)),
    mapping: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 200 }), literals(importFields), { maxProperties: 100 })),
    ignoreUnknown: Type.Optional(Type.Boolean()),
    /** ISO 3166-1 alpha-2 country of phone numbers written without an international prefix. */
    defaultCountry: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  },
  { additionalProperties: false },
);

const ImportParams = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) }, { additionalProperties: false });
const FileQuery = Type.Object({ encoding: Type.Optional(literals(importEncodings)) }, { additionalProperties: false });

/** The raw upload stream, hidden from enumeration (input hygiene walks a body's enumerable properties). */
interface CsvUpload {
  readonly stream: Readable;
}

function isCsvUpload(body: unknown): body is CsvUpload {
  return typeof body === 'object' && body !== null && Object.getOwnPropertyDescriptor(body, 'stream')?.value instanceof Readable;
}

/**
 * People imports: `POST /api/v1/imports` creates an import (purpose from `Custodian-Purpose`, source, duplicate
 * policy, mapping: no personal data in the URL), `PUT /api/v1/imports/:id/file` uploads the CSV (`text/csv`) and runs
 * it (or resumes it after its last committed row when it is sent again), `GET /api/v1/imports/:id` shows the progress
 * (poll it while the upload runs), `GET /api/v1/imports/:id/report` downloads the rejected rows (row, column, reason).
 */
export function importsRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'purposes' | 'imports' | 'config'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['imports'];
    // The upload is consumed as a stream by the importer, not buffered by Fastify (the import has its own size cap).
    app.addContentTypeParser('text/csv', (_request, payload, done) => {
      done(null, Object.defineProperty({}, 'stream', { value: payload, enumerable: false }));
    });

    app.post(
      '/api/v1/imports',
      {
        config: { access: 'people:import' },
        schema: {
          tags,
          summary: 'Create an import of people under the request purpose (then upload the CSV with PUT …/file); accepts Idempotency-Key',
          body: NewImport,
          response: { 201: ImportSchema },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const body = request.body;
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            const created = await deps.imports.create(ctx, {
              source: body.source,
              onDuplicate: body.onDuplicate ?? 'skip',
              mapping: checkMapping(body.mapping ?? {}),
              ignoreUnknown: body.ignoreUnknown ?? false,
              defaultCountry: body.defaultCountry ?? null,
            });
            return { status: 201, resourceId: created.id, body: created, headers: { location: `/api/v1/imports/${created.id}` } };
          },
          replay: async (id) => ({ body: await deps.imports.get(ctx.workspaceId, id) }),
        });
      },
    );

    app.get(
      '/api/v1/imports',
      {
        config: { access: 'people:import' },
        schema: {
          tags,
          summary: 'The workspace’s imports, newest first (cursor pagination)',
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
              cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(ImportSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request) => deps.imports.list(requestContext(request).workspaceId, { limit: request.query.limit ?? 20, cursor: request.query.cursor }),
    );

    app.get(
      '/api/v1/imports/:id',
      {
        config: { access: 'people:import' },
        schema: { tags, summary: 'Progress and counts of an import', params: ImportParams, response: { 200: ImportSchema } },
      },
      async (request) => deps.imports.get(requestContext(request).workspaceId, request.params.id),
    );

    app.put(
      '/api/v1/imports/:id/file',
      {
        config: { access: 'people:import' },
        schema: {
          tags,
          summary:
            'Upload the CSV file (Content-Type: text/csv) and run the import; sending the same file again resumes after the last committed row',
          params: ImportParams,
          querystring: FileQuery,
          response: { 200: ImportSchema },
        },
      },
      async (request, reply) => {
        const rc = requestContext(request);
        const existing = await deps.imports.get(rc.workspaceId, request.params.id);
        // The whole file is processed under the purpose chosen when the import was created.
        reply.header(purposeHeader, existing.purpose);
        const ctx = { workspaceId: rc.workspaceId, actor: rc.actor, purpose: existing.purpose, role: rc.principal.role, requestId: rc.requestId, ip: rc.ip };
        if (!isCsvUpload(request.body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { detail: 'Send the file as text/csv' });
        const length = Number(request.headers['content-length'] ?? Number.NaN);
        if (Number.isFinite(length) && length > deps.imports.maxBytes) {
          request.body.stream.resume();
          throw new AppError('PAYLOAD_TOO_LARGE', { detail: `The file is larger than the import limit of ${deps.imports.maxBytes} bytes`, limit: deps.imports.maxBytes });
        }
        // Kept encrypted under a key that lives only in this request, and deleted at the end (ADR 0013).
        const spool = await spoolEncrypted(request.body.stream, path.join(deps.config.dataDir, 'import-spool'), deps.imports.maxBytes);
        try {
          return await deps.imports.run(ctx, request.params.id, () => spool.open(), { encoding: request.query.encoding ?? 'utf-8' });
        } finally {
          await spool.remove();
        }
      },
    );

    app.get(
      '/api/v1/imports/:id/report',
      {
        config: { access: 'people:import' },
        schema: {
          tags,
          summary: 'The rejected rows of an import as CSV: row, column, reason (never a value)',
          params: ImportParams,
        },
      },
      async (request, reply) => {
        const lines = await deps.imports.report(requestContext(request).workspaceId, request.params.id);
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="import-${request.params.id}-rejected.csv"`);
        return reply.send(Readable.from(lines));
      },
    );
  };
}
