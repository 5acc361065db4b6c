import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { mergePeople } from '../../crm/merge/merge-people.ts';
import type { AppDeps } from '../app.ts';
import { IfMatchHeader, expectedVersion, withEtag } from '../optimistic-concurrency.ts';
import { processingContextOf } from '../purpose-header.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const uuid = Type.String({ format: 'uuid', maxLength: 36 });
const Reason = literals(['email', 'phone', 'name_in_organization'] as const);

// Values are compared, never echoed: the answer holds ids, pseudonyms and reasons.
const Candidate = Type.Object(
  {
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
    phone: Type.Optional(Type.String({ minLength: 3, maxLength: 40 })),
    firstName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    lastName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    organizationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const PersonRef = Type.Object({ id: Type.String(), pseudonym: Type.String() });

const MergeOutcome = Type.Object({
  keptId: Type.String(),
  mergedPseudonym: Type.String(),
  filled: Type.Array(Type.String()),
  detailsMoved: Type.Integer(),
  standing: Type.Object({ consentEvents: Type.Integer(), withdrawalsKept: Type.Integer(), objections: Type.Integer(), restrictions: Type.Integer() }),
  reassigned: Type.Record(Type.String(), Type.Integer()),
  indexRowsMoved: Type.Integer(),
  version: Type.Integer(),
});

/**
 * Duplicates and merge: `POST /api/v1/people/duplicates/check` (candidate values in the body), `GET
 * /api/v1/people/duplicates` (suspected pairs), `POST /api/v1/people/:id/merge` (If-Match on the kept person).
 */
export function duplicatesRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'purposes' | 'duplicates' | 'gate' | 'keys' | 'fieldCipher' | 'personReassigners' | 'people'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['people'];

    app.post(
      '/api/v1/people/duplicates/check',
      {
        config: { access: 'people:read' },
        schema: {
          tags,
          summary: 'Possible duplicates of a candidate: same email or phone (blind index), same name in the same organization',
          body: Candidate,
          response: { 200: Type.Object({ items: Type.Array(Type.Object({ personId: Type.String(), pseudonym: Type.String(), reasons: Type.Array(Reason) })) }) },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        return { items: await deps.duplicates.check(ctx, request.body) };
      },
    );

    app.get(
      '/api/v1/people/duplicates',
      {
        config: { access: 'people:read' },
        schema: {
          tags,
          summary: 'Suspected duplicate pairs: people sharing an email or a phone (by=contact), or the same name in an organization (by=name); cursor pagination',
          querystring: Type.Object(
            {
              by: Type.Optional(literals(['contact', 'name'] as const)),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
              cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(Type.Object({ a: PersonRef, b: PersonRef, reasons: Type.Array(Reason) })), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        return deps.duplicates.pairs(ctx, { by: request.query.by ?? 'contact', limit: request.query.limit ?? 25, cursor: request.query.cursor });
      },
    );

    app.post(
      '/api/v1/people/:id/merge',
      {
        config: { access: 'people:write' },
        schema: {
          tags,
          summary: 'Merge another person into this one (kept); needs If-Match with the kept person’s ETag. The other is removed and their key destroyed',
          params: Type.Object({ id: uuid }, { additionalProperties: false }),
          headers: IfMatchHeader,
          body: Type.Object({ otherId: uuid }, { additionalProperties: false }),
          response: { 200: MergeOutcome },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'person');
        const ctx = await processingContextOf(request, reply, deps);
        const outcome = await mergePeople(
          { db: deps.db, clock: deps.clock, gate: deps.gate, keys: deps.keys, fieldCipher: deps.fieldCipher, reassigners: deps.personReassigners, people: deps.people },
          ctx,
          request.params.id,
          request.body.otherId,
          version,
        );
        return withEtag(reply, outcome.version).send(outcome);
      },
    );
  };
}
