import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { createAuditCheckpoints } from '../../kernel/audit/audit-checkpoints.ts';
import { listAuditEntries } from '../../kernel/audit/list-audit-entries.ts';
import { auditBreakReasons, verifyAuditChain } from '../../kernel/audit/verify-audit-chain.ts';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';

// No NUL: PostgreSQL text cannot hold one, and no filter needs it.
const Text = (description: string) => Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000]*$', description });

export const AuditEntry = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  resourceType: Type.Union([Type.String(), Type.Null()]),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  subjectPseudonym: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.Literal('allowed'), Type.Literal('denied'), Type.Literal('failed')]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Object({}, { additionalProperties: true, description: 'Non-personal details: counts, codes, field names' }),
});

const AuditQuery = Type.Object(
  {
    action: Type.Optional(Text('Exact action, e.g. `user.create`')),
    actorId: Type.Optional(Text('User, token or job id')),
    resourceType: Type.Optional(Text('e.g. `user`, `role`, `person`')),
    resourceId: Type.Optional(Text('Id of the resource')),
    subject: Type.Optional(Text('Pseudonym of the data subject')),
    purpose: Type.Optional(Text('Purpose key')),
    outcome: Type.Optional(Type.Union([Type.Literal('allowed'), Type.Literal('denied'), Type.Literal('failed')])),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after (ISO-8601)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before (ISO-8601)' })),
    cursor: Type.Optional(
      Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: '`nextCursor` of the previous page' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

const AuditVerifyResult = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer({ description: 'Entries whose hash was recomputed' }),
  firstBadSeq: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  reason: Type.Optional(Type.Union(auditBreakReasons.map((r) => Type.Literal(r)))),
  checkpoints: Type.Integer({ description: 'Signed checkpoints verified' }),
});

/** `GET /api/v1/audit` (browse, newest first) and `GET /api/v1/audit/verify` for the caller's workspace. */
export function auditRoutes(deps: AppDeps): FastifyPluginAsync {
  const checkpoints = createAuditCheckpoints({ keysDir: deps.keyFiles.keysDir, dataDir: deps.config.dataDir });
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['audit'];

    app.get(
      '/api/v1/audit',
      {
        config: { access: 'audit:read' },
        schema: {
          tags,
          summary: "Browse the workspace's audit log, newest first, with filters and a seq cursor",
          querystring: AuditQuery,
          response: {
            200: Type.Object({ items: Type.Array(AuditEntry), nextCursor: Type.Union([Type.Integer(), Type.Null()]) }),
          },
        },
      },
      async (request) => listAuditEntries(deps.db.kysely, requestContext(request).workspaceId, request.query),
    );

    app.get(
      '/api/v1/audit/verify',
      {
        config: { access: 'audit:read' },
        schema: {
          tags,
          summary: "Recompute the workspace's audit chain and check it against the signed checkpoints",
          response: { 200: AuditVerifyResult },
        },
      },
      async (request) => {
        const result = await verifyAuditChain(deps.db, { workspaceId: requestContext(request).workspaceId, checkpoints });
        return {
          ok: result.ok,
          entries: result.entries,
          checkpoints: result.checkpoints,
          ...(result.firstBad ? { firstBadSeq: result.firstBad.seq, reason: result.firstBad.reason } : {}),
        };
      },
    );
  };
}
