import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  consentEventStates,
  consentMethods,
  consentStates,
  objectionOutcomes,
  restrictionReasons,
} from '../../kernel/standing/standing-types.ts';
import { lawfulBases } from '../../kernel/purposes/purpose-types.ts';
import { purposeKeyPattern } from '../../kernel/purposes/purpose-register.ts';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const purposeKey = Type.String({ pattern: purposeKeyPattern.source, maxLength: 64 });
const PersonParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const Consent = Type.Object({
  id: Type.Integer(),
  purpose: Type.String(),
  purposeVersion: Type.Integer(),
  state: literals(consentStates),
  /** Collection method (the consent area's methods, or the staff ones). */
  method: Type.String(),
  noticeVersion: Type.Union([Type.String(), Type.Null()]),
  recordedAt: Type.String(),
});

const Objection = Type.Object({
  id: Type.String(),
  purpose: Type.String(),
  objectedAt: Type.String(),
  outcome: literals(objectionOutcomes),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
});

const Restriction = Type.Object({
  id: Type.String(),
  reason: literals(restrictionReasons),
  restrictedAt: Type.String(),
  liftedAt: Type.Union([Type.String(), Type.Null()]),
});

const Standing = Type.Object({
  personId: Type.String(),
  restriction: Type.Union([Restriction, Type.Null()]),
  purposes: Type.Array(
    Type.Object({
      purpose: Type.String(),
      name: Type.String(),
      lawfulBasis: literals(lawfulBases),
      active: Type.Boolean(),
      consentRequired: Type.Boolean(),
      consent: Type.Union([Consent, Type.Null()]),
      objection: Type.Union([Objection, Type.Null()]),
    }),
  ),
});

const NewConsent = Type.Object(
  {
    purpose: purposeKey,
    state: literals(consentEventStates),
    method: literals(consentMethods),
    noticeVersion: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  },
  { additionalProperties: false },
);

/**
 * A person's standing per purpose: consent events, Art. 21 objections, Art. 18 restriction, and the summary.
 */
export function standingRoutes(deps: Pick<AppDeps, 'db' | 'standing'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['standing'];
    const db = deps.db.kysely;

    app.get(
      '/api/v1/people/:id/standing',
      {
        config: { access: 'people:read' },
        schema: {
          tags,
          summary: 'Basis, consent and objection per purpose, and the restriction in force',
          params: PersonParams,
          response: { 200: Standing },
        },
      },
      async (request) => {
        const standing = await deps.standing.standingOf(db, requestContext(request), request.params.id);
        return { ...standing, purposes: [...standing.purposes] };
      },
    );

    app.post(
      '/api/v1/people/:id/consents',
      {
        config: { access: 'people:write' },
        schema: {
          tags,
          summary: 'Record a consent given or withdrawn (append-only)',
          params: PersonParams,
          body: NewConsent,
          response: { 201: Consent },
        },
      },
      async (request, reply) => {
        const recorded = await deps.standing.recordConsent(
          db,
          requestContext(request),
          request.params.id,
          request.body,
        );
        return reply.code(201).send(recorded);
      },
    );

    app.post(
      '/api/v1/people/:id/objections',
      {
        config: { access: 'privacy:write' },
        schema: {
          tags,
          summary: 'Record an objection (Art. 21); one to direct marketing is upheld at once',
          params: PersonParams,
          body: Type.Object({ purpose: purposeKey }, { additionalProperties: false }),
          response: { 201: Objection },
        },
      },
      async (request, reply) => {
        const raised = await deps.standing.raiseObjection(
          db,
          requestContext(request),
          request.params.id,
          request.body,
        );
        return reply.code(201).send(raised);
      },
    );

    app.patch(
      '/api/v1/people/:id/objections/:objectionId',
      {
        config: { access: 'privacy:write' },
        schema: {
          tags,
          summary: 'Decide a pending objection',
          params: Type.Object({
            id: PersonParams.properties.id,
            objectionId: Type.String({ format: 'uuid', maxLength: 36 }),
          }),
          body: Type.Object(
            { outcome: literals(['upheld', 'rejected'] as const) },
            { additionalProperties: false },
          ),
          response: { 200: Objection },
        },
      },
      async (request) =>
        deps.standing.decideObjection(
          db,
          requestContext(request),
          request.params.id,
          request.params.objectionId,
          request.body.outcome,
        ),
    );

    app.put(
      '/api/v1/people/:id/restriction',
      {
        config: { access: 'privacy:write' },
        schema: {
          tags,
          summary: 'Restrict processing of the person (Art. 18): storage only from now on',
          params: PersonParams,
          body: Type.Object({ reason: literals(restrictionReasons) }, { additionalProperties: false }),
          response: { 201: Restriction },
        },
      },
      async (request, reply) => {
        const set = await deps.standing.restrict(
          db,
          requestContext(request),
          request.params.id,
          request.body.reason,
        );
        return reply.code(201).send(set);
      },
    );

    app.delete(
      '/api/v1/people/:id/restriction',
      {
        config: { access: 'privacy:write' },
        schema: {
          tags,
          summary: 'Lift the restriction (tell the person first, Art. 18(3))',
          params: PersonParams,
          response: { 200: Restriction },
        },
      },
      async (request) => deps.standing.liftRestriction(db, requestContext(request), request.params.id),
    );
  };
}
