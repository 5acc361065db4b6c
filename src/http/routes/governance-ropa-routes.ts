import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';
import { parseAsOf } from '../../governance/ropa/parse-as-of.ts';
import { ropaCsv, ropaHtml } from '../../governance/ropa/ropa-export.ts';
import type { RopaSnapshot } from '../../governance/ropa/ropa-types.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Party = Type.Object({ name: Type.String(), address: Type.String(), email: Type.String(), phone: Type.String() });
const Dpo = Type.Object({ name: Type.String(), email: Type.String(), phone: Type.String() });

const Activity = Type.Object({
  purposeKey: Type.String(),
  purposeVersion: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  active: Type.Boolean(),
  lawfulBasis: Type.String(),
  art9Condition: Nullable(Type.String()),
  dataSubjects: Type.Array(Type.String()),
  dataCategories: Type.Array(
    Type.Object({
      key: Type.String(),
      name: Type.String(),
      special: Type.Boolean(),
      criminal: Type.Boolean(),
      attributes: Type.Array(Type.Object({ attribute: Type.String(), retention: Type.String() })),
    }),
  ),
  recipients: Type.Array(
    Type.Object({
      name: Type.String(),
      kind: Type.String(),
      countries: Type.Array(Type.String()),
      status: Type.String(),
    }),
  ),
  transfers: Type.Array(
    Type.Object({
      recipient: Type.String(),
      country: Type.String(),
      countryName: Type.String(),
      safeguards: Type.String(),
      tiaReference: Nullable(Type.String()),
      supplementaryMeasures: Nullable(Type.String()),
      flags: Type.Array(Type.String()),
    }),
  ),
  retention: Type.String(),
  accessRoles: Type.Array(Type.String()),
});

const Snapshot = Type.Object({
  version: Type.Integer(),
  takenAt: Type.String(),
  digest: Type.String(),
  reason: Type.String(),
  document: Type.Object({
    controller: Party,
    representative: Nullable(Party),
    dpo: Nullable(Dpo),
    activities: Type.Array(Activity),
    securityMeasures: Type.Array(Type.String()),
    openItems: Type.Array(Type.String()),
  }),
});

const AsOfQuery = Type.Object(
  {
    asOf: Type.Optional(
      Type.String({ maxLength: 30, description: 'A date (YYYY-MM-DD, read as the end of that day, UTC) or an ISO 8601 timestamp' }),
    ),
  },
  { additionalProperties: false },
);

const ExportQuery = Type.Object(
  {
    format: Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('html')]),
    asOf: AsOfQuery.properties.asOf,
  },
  { additionalProperties: false },
);

/** The response shape (plain mutable copies of the snapshot's readonly arrays). */
function view(s: RopaSnapshot): Static<typeof Snapshot> {
  return JSON.parse(JSON.stringify(s)) as Static<typeof Snapshot>;
}

/**
 * Governance: the records of processing (Art. 30(1)), generated from the live configuration, versioned with a
 * digest, readable as of a date, exportable as JSON, CSV and printable HTML.
 */
export function governanceRopaRoutes(deps: Pick<AppDeps, 'db' | 'governance'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['governance'];
    const db = deps.db.kysely;
    const { ropa } = deps.governance;

    /** The current records (recording a version first if the configuration changed), or the version as of a date. */
    async function snapshotFor(request: FastifyRequest, asOf: string | undefined): Promise<RopaSnapshot> {
      const { workspaceId } = requestContext(request);
      if (asOf === undefined) return ropa.record(db, workspaceId, 'read');
      return ropa.asOf(db, workspaceId, parseAsOf(asOf));
    }

    app.get(
      '/api/v1/governance/ropa',
      {
        config: { access: 'governance:read' },
        schema: {
          tags,
          summary: 'Records of processing: current, or as they stood at `asOf`',
          querystring: AsOfQuery,
          response: { 200: Snapshot },
        },
      },
      async (request) => view(await snapshotFor(request, request.query.asOf)),
    );

    app.get(
      '/api/v1/governance/ropa/versions',
      {
        config: { access: 'governance:read' },
        schema: {
          tags,
          summary: 'Versions of the records of processing, newest first (up to 500)',
          response: {
            200: Type.Object({
              items: Type.Array(Type.Object({ version: Type.Integer(), takenAt: Type.String(), digest: Type.String(), reason: Type.String() })),
            }),
          },
        },
      },
      async (request) => ({ items: await ropa.versions(db, requestContext(request).workspaceId) }),
    );

    app.post(
      '/api/v1/governance/ropa/snapshots',
      {
        config: { access: 'governance:write' },
        schema: { tags, summary: 'Record a version of the records of processing now (on demand)', response: { 201: Snapshot } },
      },
      async (request, reply) => reply.code(201).send(view(await ropa.record(db, requestContext(request).workspaceId, 'on_demand'))),
    );

    app.get(
      '/api/v1/governance/ropa/export',
      {
        config: { access: 'governance:read' },
        schema: {
          tags,
          summary: 'Export the records of processing (current or as of a date) as JSON, CSV or printable HTML',
          querystring: ExportQuery,
          produces: ['application/json', 'text/csv', 'text/html'],
          response: { 200: Type.String({ description: 'The document in the requested format' }) },
        },
      },
      async (request, reply) => {
        const snapshot = await snapshotFor(request, request.query.asOf);
        const stamp = snapshot.takenAt.slice(0, 10);
        const name = `records-of-processing-v${snapshot.version}-${stamp}`;
        reply.header('cache-control', 'no-store');
        switch (request.query.format) {
          case 'csv':
            return reply
              .type('text/csv; charset=utf-8')
              .header('content-disposition', `attachment; filename="${name}.csv"`)
              .serializer((s: unknown) => s as string)
              .send(ropaCsv(snapshot));
          case 'html':
            return reply.type('text/html; charset=utf-8').serializer((s: unknown) => s as string).send(ropaHtml(snapshot));
          case 'json':
            return reply
              .type('application/json; charset=utf-8')
              .header('content-disposition', `attachment; filename="${name}.json"`)
              .serializer((s: unknown) => s as string)
              .send(JSON.stringify(snapshot, null, 2));
        }
      },
    );
  };
}
