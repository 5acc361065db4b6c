import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import { erasureExceptions } from '../../kernel/erasure/erasure-exceptions.ts';
import { erasureTriggers, getCertificateOrThrow, listCertificates } from '../../kernel/erasure/erasure-certificate.ts';
import { legalHoldReasons, listLegalHolds, placeLegalHold, releaseLegalHold } from '../../kernel/erasure/legal-holds.ts';
import { personExists } from '../../kernel/people/person-lookups.ts';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const uuid = Type.String({ format: 'uuid', maxLength: 36 });

const Kept = Type.Object({
  eraser: Type.String(),
  category: Type.String(),
  purpose: Type.String(),
  since: Type.String(),
  count: Type.Integer(),
  exception: literals(Object.keys(erasureExceptions) as (keyof typeof erasureExceptions)[]),
  reason: Type.String(),
  until: Type.String(),
});

/** A certificate of erasure as the API shows it: no personal data. */
export const CertificateSchema = Type.Object({
  id: Type.String(),
  runId: Type.String(),
  subjectPseudonym: Type.String(),
  trigger: literals(erasureTriggers),
  scope: Type.Object({ entity: Type.Literal('person'), fields: Type.Array(Type.String()), erasers: Type.Array(Type.String()) }),
  keyId: Type.Union([Type.String(), Type.Null()]),
  steps: Type.Array(Type.String()),
  kept: Type.Array(Kept),
  issuedAt: Type.String(),
  signature: Type.String(),
});

const VerifiedCertificate = Type.Composite([CertificateSchema, Type.Object({ verified: Type.Boolean() })]);

const LegalHold = Type.Object({
  id: Type.String(),
  personId: Type.Union([Type.String(), Type.Null()]),
  matter: Type.Union([Type.String(), Type.Null()]),
  personIds: Type.Array(Type.String()),
  reason: literals(legalHoldReasons),
  placedAt: Type.String(),
  releasedAt: Type.Union([Type.String(), Type.Null()]),
});

// A matter reference is a case number, not a name: a restricted alphabet keeps personal data out.
const matter = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' });
const NewHold = Type.Union([
  Type.Object({ personId: uuid, reason: literals(legalHoldReasons) }, { additionalProperties: false }),
  Type.Object(
    { matter, personIds: Type.Array(uuid, { minItems: 1, maxItems: 1000 }), reason: literals(legalHoldReasons) },
    { additionalProperties: false },
  ),
]);

/**
 * Certificates of erasure (read and list) and legal holds (place, list, release), which block erasure.
 */
export function erasureRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'erasure'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const db = deps.db.kysely;
    const auditDeps = { dialect: deps.db.dialect, clock: deps.clock };

    app.get(
      '/api/v1/erasure-certificates',
      {
        config: { access: 'privacy:read' },
        schema: {
          tags: ['erasure'],
          summary: 'Certificates of erasure, newest first',
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
              cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$' })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(CertificateSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request) =>
        listCertificates(db, requestContext(request).workspaceId, { limit: request.query.limit ?? 50, cursor: request.query.cursor }),
    );

    app.get(
      '/api/v1/erasure-certificates/:id',
      {
        config: { access: 'privacy:read' },
        schema: {
          tags: ['erasure'],
          summary: 'One certificate of erasure, with whether its signature verifies',
          params: Type.Object({ id: uuid }, { additionalProperties: false }),
          response: { 200: VerifiedCertificate },
        },
      },
      async (request) => {
        const certificate = await getCertificateOrThrow(db, requestContext(request).workspaceId, request.params.id);
        return { ...certificate, verified: deps.erasure.verifyCertificate(certificate) };
      },
    );

    app.post(
      '/api/v1/legal-holds',
      {
        config: { access: 'privacy:write' },
        schema: {
          tags: ['erasure'],
          summary: 'Place a legal hold on a person, or on the persons of a matter: it blocks their erasure',
          body: NewHold,
          response: { 201: LegalHold },
        },
      },
      async (request, reply) => {
        const rc = requestContext(request);
        const body = request.body;
        const ids = 'personId' in body ? [body.personId] : body.personIds;
        const hold = await db.transaction().execute(async (trx) => {
          for (const id of ids) {
            if (!(await personExists(trx, rc.workspaceId, id))) throw new AppError('NOT_FOUND', { resource: 'person' });
          }
          const placed = await placeLegalHold(trx, { workspaceId: rc.workspaceId, actor: rc.actor, at: deps.clock.now().toISOString() }, body);
          await appendAudit(trx, auditDeps, {
            workspaceId: rc.workspaceId,
            actor: rc.actor,
            action: 'legal_hold.place',
            outcome: 'allowed',
            resourceType: 'legal_hold',
            resourceId: placed.id,
            requestId: rc.requestId,
            ip: rc.ip,
            details: { reason: placed.reason, persons: placed.personIds.length, matter: placed.matter !== null },
          });
          return placed;
        });
        return reply.code(201).send(hold);
      },
    );

    app.get(
      '/api/v1/legal-holds',
      {
        config: { access: 'privacy:read' },
        schema: {
          tags: ['erasure'],
          summary: 'Legal holds, newest first',
          querystring: Type.Object({ active: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
          response: { 200: Type.Object({ items: Type.Array(LegalHold) }) },
        },
      },
      async (request) => ({
        items: await listLegalHolds(db, requestContext(request).workspaceId, { activeOnly: request.query.active === true }),
      }),
    );

    app.post(
      '/api/v1/legal-holds/:id/release',
      {
        config: { access: 'privacy:write' },
        schema: {
          tags: ['erasure'],
          summary: 'Release a legal hold',
          params: Type.Object({ id: uuid }, { additionalProperties: false }),
          response: { 200: LegalHold },
        },
      },
      async (request) => {
        const rc = requestContext(request);
        return db.transaction().execute(async (trx) => {
          const released = await releaseLegalHold(trx, rc.workspaceId, request.params.id, deps.clock.now().toISOString());
          await appendAudit(trx, auditDeps, {
            workspaceId: rc.workspaceId,
            actor: rc.actor,
            action: 'legal_hold.release',
            outcome: 'allowed',
            resourceType: 'legal_hold',
            resourceId: released.id,
            requestId: rc.requestId,
            ip: rc.ip,
          });
          return released;
        });
      },
    );
  };
}
